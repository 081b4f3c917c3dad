using Img.Engine.Diff;
using Img.Engine.Oci;

namespace Img.Engine.Graph;

/// <summary>
/// One encoding of op definitions. An <see cref="OpSchema{T}"/> visits an op's fields in their
/// declared order and calls one method per field, by the shape of its value; the encoding decides
/// the bytes of each shape. Two encodings exist: <see cref="OpDigestWriter"/> (the canonical bytes
/// of <see cref="OpDigest"/>) and the wire codec of <c>Img.Messages/Graphs</c>. Because both are
/// driven by the same declaration, a field cannot reach one and miss the other.
/// </summary>
public interface IOpFieldWriter
{
    void String(string name, string value);
    void OptionalString(string name, string? value);
    void Bool(string name, bool value);
    /// <summary>An <c>int</c>, or an enum's number.</summary>
    void Int32(string name, int value);
    void Int64(string name, long value);
    void UInt32(string name, uint value);
    void OptionalUInt32(string name, uint? value);
    void Input(string name, OpInput? value);
    void Strings(string name, IReadOnlyList<string> values);
    void Inputs(string name, IReadOnlyList<OpInput> values);
    /// <summary>Records of one type, each written through <paramref name="schema"/> (ExecOp's mounts).</summary>
    void Records<T>(string name, IReadOnlyList<T> values, OpSchema<T> schema) where T : class;
    /// <summary>Records of several kinds, each written as its kind then its fields (FileOp's actions).</summary>
    void Variants<T>(string name, IReadOnlyList<T> values, OpUnion<T> union) where T : class;
    void Platform(string name, Platform? value);
    void ImageConfig(string name, ImageConfig value);
    /// <summary>File content held as text: the digest covers its UTF-8 bytes.</summary>
    void Text(string name, string value);
    /// <summary>A time in whole Unix seconds, or none; absent from the digest when none.</summary>
    void OptionalSeconds(string name, DateTimeOffset? value);
    /// <summary>Layer compression, or none; absent from the digest when none.</summary>
    void Compression(string name, LayerCompressionOptions? value);
    /// <summary>A RUN step's resources, or none; absent from the digest when none.</summary>
    void Resources(string name, ExecResources? value);
    /// <summary>A value the op does not hold but its digest covers (a format version); never on the wire.</summary>
    void Constant(string name, string value);
}
