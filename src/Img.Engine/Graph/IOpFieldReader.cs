using Img.Engine.Diff;
using Img.Engine.Oci;

namespace Img.Engine.Graph;

/// <summary>
/// The decoding side of an encoding that can be read back (the wire; a digest cannot): one method
/// per shape of <see cref="IOpFieldWriter"/>, called in the same order by <see cref="OpSchema{T}.Read"/>.
/// <see cref="IOpFieldWriter.Constant"/> has no counterpart: constants are not read.
/// </summary>
public interface IOpFieldReader
{
    string String(string name);
    string? OptionalString(string name);
    bool Bool(string name);
    int Int32(string name);
    long Int64(string name);
    uint UInt32(string name);
    uint? OptionalUInt32(string name);
    OpInput? Input(string name);
    IReadOnlyList<string> Strings(string name);
    IReadOnlyList<OpInput> Inputs(string name);
    IReadOnlyList<T> Records<T>(string name, OpSchema<T> schema) where T : class;
    IReadOnlyList<T> Variants<T>(string name, OpUnion<T> union) where T : class;
    Platform? Platform(string name);
    ImageConfig ImageConfig(string name);
    string Text(string name);
    DateTimeOffset? OptionalSeconds(string name);
    LayerCompressionOptions? Compression(string name);
    ExecResources? Resources(string name);
}
