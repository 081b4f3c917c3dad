namespace Img.Engine.Graph;

/// <summary>An <see cref="OpSchema{T}"/> seen without its record type, as an <see cref="OpUnion{T}"/> holds its members.</summary>
public interface IOpSchema
{
    /// <summary>The kind written before the fields where several kinds share a place (<c>exec</c>, <c>copy</c>).</summary>
    string Kind { get; }
    /// <summary>The record type described.</summary>
    Type Type { get; }
    /// <summary>Field names in order, constants included.</summary>
    IReadOnlyList<string> FieldNames { get; }
    /// <summary>How many fields an encoding that can be read back holds: every field but the constants.</summary>
    int StoredFieldCount { get; }
    void Write(object value, IOpFieldWriter writer);
    object Read(IOpFieldReader reader);
}
