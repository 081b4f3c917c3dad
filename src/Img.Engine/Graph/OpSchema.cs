using Img.Engine.Diff;
using Img.Engine.Oci;

namespace Img.Engine.Graph;

/// <summary>
/// The one declaration of an op record's fields (BuildKit's <c>ops.proto</c>): names, order and
/// value shapes. The op digest (<see cref="OpDigestWriter"/>) and the wire codec both follow it,
/// so adding a field here adds it to both. Order is part of both encodings: append new fields,
/// and give a field that must not move existing digests a shape that is absent when unset
/// (<see cref="OptionalSeconds"/>, <see cref="Compression"/>).
/// </summary>
/// <param name="kind">The kind written where several kinds share a place.</param>
/// <param name="empty">A record every field of which <see cref="Read"/> then sets, in order.</param>
public sealed class OpSchema<T>(string kind, Func<T> empty) : IOpSchema where T : class
{
    private readonly List<OpField<T>> _fields = [];

    public string Kind { get; } = kind;

    public Type Type => typeof(T);

    public IReadOnlyList<OpField<T>> Fields => _fields;

    public IReadOnlyList<string> FieldNames => _fields.Select(f => f.Name).ToArray();

    public int StoredFieldCount => _fields.Count(f => f.Stored);

    public void Write(T value, IOpFieldWriter writer)
    {
        foreach (var field in _fields)
            field.Write(value, writer);
    }

    public T Read(IOpFieldReader reader)
    {
        var value = empty();
        foreach (var field in _fields)
        {
            if (field.Stored)
                value = field.Read(value, reader);
        }
        return value;
    }

    void IOpSchema.Write(object value, IOpFieldWriter writer) => Write((T)value, writer);

    object IOpSchema.Read(IOpFieldReader reader) => Read(reader);

    public OpSchema<T> String(string name, Func<T, string> get, Func<T, string, T> set) =>
        Add(name, (v, w) => w.String(name, get(v)), (v, r) => set(v, r.String(name)));

    public OpSchema<T> OptionalString(string name, Func<T, string?> get, Func<T, string?, T> set) =>
        Add(name, (v, w) => w.OptionalString(name, get(v)), (v, r) => set(v, r.OptionalString(name)));

    public OpSchema<T> Bool(string name, Func<T, bool> get, Func<T, bool, T> set) =>
        Add(name, (v, w) => w.Bool(name, get(v)), (v, r) => set(v, r.Bool(name)));

    /// <summary>An enum, encoded as its number.</summary>
    public OpSchema<T> Enum<TEnum>(string name, Func<T, TEnum> get, Func<T, TEnum, T> set) where TEnum : struct, Enum =>
        Add(name, (v, w) => w.Int32(name, Convert.ToInt32(get(v))), (v, r) => set(v, (TEnum)System.Enum.ToObject(typeof(TEnum), r.Int32(name))));

    public OpSchema<T> Int64(string name, Func<T, long> get, Func<T, long, T> set) =>
        Add(name, (v, w) => w.Int64(name, get(v)), (v, r) => set(v, r.Int64(name)));

    public OpSchema<T> UInt32(string name, Func<T, uint> get, Func<T, uint, T> set) =>
        Add(name, (v, w) => w.UInt32(name, get(v)), (v, r) => set(v, r.UInt32(name)));

    public OpSchema<T> OptionalUInt32(string name, Func<T, uint?> get, Func<T, uint?, T> set) =>
        Add(name, (v, w) => w.OptionalUInt32(name, get(v)), (v, r) => set(v, r.OptionalUInt32(name)));

    public OpSchema<T> Input(string name, Func<T, OpInput?> get, Func<T, OpInput?, T> set) =>
        Add(name, (v, w) => w.Input(name, get(v)), (v, r) => set(v, r.Input(name)));

    public OpSchema<T> Strings(string name, Func<T, IReadOnlyList<string>> get, Func<T, IReadOnlyList<string>, T> set) =>
        Add(name, (v, w) => w.Strings(name, get(v)), (v, r) => set(v, r.Strings(name)));

    public OpSchema<T> Inputs(string name, Func<T, IReadOnlyList<OpInput>> get, Func<T, IReadOnlyList<OpInput>, T> set) =>
        Add(name, (v, w) => w.Inputs(name, get(v)), (v, r) => set(v, r.Inputs(name)));

    public OpSchema<T> Records<TItem>(string name, OpSchema<TItem> schema, Func<T, IReadOnlyList<TItem>> get, Func<T, IReadOnlyList<TItem>, T> set) where TItem : class =>
        Add(name, (v, w) => w.Records(name, get(v), schema), (v, r) => set(v, r.Records(name, schema)));

    public OpSchema<T> Variants<TItem>(string name, OpUnion<TItem> union, Func<T, IReadOnlyList<TItem>> get, Func<T, IReadOnlyList<TItem>, T> set) where TItem : class =>
        Add(name, (v, w) => w.Variants(name, get(v), union), (v, r) => set(v, r.Variants(name, union)));

    public OpSchema<T> Platform(string name, Func<T, Platform?> get, Func<T, Platform?, T> set) =>
        Add(name, (v, w) => w.Platform(name, get(v)), (v, r) => set(v, r.Platform(name)));

    public OpSchema<T> ImageConfig(string name, Func<T, ImageConfig> get, Func<T, ImageConfig, T> set) =>
        Add(name, (v, w) => w.ImageConfig(name, get(v)), (v, r) => set(v, r.ImageConfig(name)));

    public OpSchema<T> Text(string name, Func<T, string> get, Func<T, string, T> set) =>
        Add(name, (v, w) => w.Text(name, get(v)), (v, r) => set(v, r.Text(name)));

    public OpSchema<T> OptionalSeconds(string name, Func<T, DateTimeOffset?> get, Func<T, DateTimeOffset?, T> set) =>
        Add(name, (v, w) => w.OptionalSeconds(name, get(v)), (v, r) => set(v, r.OptionalSeconds(name)));

    public OpSchema<T> Compression(string name, Func<T, LayerCompressionOptions?> get, Func<T, LayerCompressionOptions?, T> set) =>
        Add(name, (v, w) => w.Compression(name, get(v)), (v, r) => set(v, r.Compression(name)));

    /// <summary>A RUN step's resources (<see cref="ExecResources"/>), or none; absent from the digest when none.</summary>
    public OpSchema<T> Resources(string name, Func<T, ExecResources?> get, Func<T, ExecResources?, T> set) =>
        Add(name, (v, w) => w.Resources(name, get(v)), (v, r) => set(v, r.Resources(name)));

    /// <summary>A value the digest covers that the record does not hold; the wire leaves it out.</summary>
    public OpSchema<T> Constant(string name, string value)
    {
        _fields.Add(new OpField<T>(name, stored: false, (_, w) => w.Constant(name, value), (v, _) => v));
        return this;
    }

    private OpSchema<T> Add(string name, Action<T, IOpFieldWriter> write, Func<T, IOpFieldReader, T> read)
    {
        if (_fields.Any(f => f.Name == name))
            throw new ArgumentException($"{typeof(T).Name} declares '{name}' twice", nameof(name));
        _fields.Add(new OpField<T>(name, stored: true, write, read));
        return this;
    }
}
