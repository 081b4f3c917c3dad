using System.Buffers.Binary;
using System.Text;

namespace Img.Engine.Graph;

/// <summary>
/// A small deterministic encoder for op definitions: every value is written with a type tag and
/// a length, fields in the order the op writes them. No clocks, no dictionary order: maps are
/// written sorted by ordinal key. The SHA-256 of the bytes is the <see cref="OpDigest"/>.
/// </summary>
public sealed class CanonicalWriter
{
    private const byte TagNull = 0, TagString = 1, TagBool = 2, TagInt = 3, TagList = 4, TagInput = 5, TagBytes = 6, TagField = 7;

    private readonly MemoryStream _buffer = new();

    /// <summary>Names the next value: guards against two fields swapping places unnoticed.</summary>
    public CanonicalWriter Field(string name)
    {
        _buffer.WriteByte(TagField);
        WriteRaw(name);
        return this;
    }

    public CanonicalWriter String(string? value)
    {
        if (value is null)
        {
            _buffer.WriteByte(TagNull);
            return this;
        }
        _buffer.WriteByte(TagString);
        WriteRaw(value);
        return this;
    }

    public CanonicalWriter Bytes(ReadOnlySpan<byte> value)
    {
        _buffer.WriteByte(TagBytes);
        WriteLength(value.Length);
        _buffer.Write(value);
        return this;
    }

    public CanonicalWriter Bool(bool value)
    {
        _buffer.WriteByte(TagBool);
        _buffer.WriteByte(value ? (byte)1 : (byte)0);
        return this;
    }

    public CanonicalWriter Int(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        _buffer.WriteByte(TagInt);
        _buffer.Write(bytes);
        return this;
    }

    public CanonicalWriter Int(long? value) => value is null ? Null() : Int(value.Value);

    public CanonicalWriter Null()
    {
        _buffer.WriteByte(TagNull);
        return this;
    }

    public CanonicalWriter Input(OpInput? input)
    {
        if (input is null)
            return Null();
        _buffer.WriteByte(TagInput);
        WriteRaw(input.Digest.Value);
        WriteLength(input.Output);
        return this;
    }

    public CanonicalWriter Strings(IReadOnlyList<string>? values) =>
        values is null ? Null() : List(values, (w, v) => w.String(v));

    /// <summary>A map, written as a list of key/value pairs sorted by ordinal key.</summary>
    public CanonicalWriter Map(IEnumerable<KeyValuePair<string, string>>? map)
    {
        if (map is null)
            return Null();
        var sorted = map.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        return List(sorted, (w, p) => w.String(p.Key).String(p.Value));
    }

    public CanonicalWriter List<T>(IReadOnlyList<T>? values, Action<CanonicalWriter, T> write)
    {
        if (values is null)
            return Null();
        _buffer.WriteByte(TagList);
        WriteLength(values.Count);
        foreach (var v in values)
            write(this, v);
        return this;
    }

    public byte[] ToArray() => _buffer.ToArray();

    public OpDigest Digest() => new(Content.Digest.Compute(_buffer.ToArray()).ToString());

    private void WriteRaw(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteLength(bytes.Length);
        _buffer.Write(bytes);
    }

    private void WriteLength(int length)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, length);
        _buffer.Write(bytes);
    }
}
