using System.Buffers;
using System.Text.Json;
using Img.Engine.Diff;
using Img.Engine.Graph;
using Img.Engine.Oci;
using MessagePack;

namespace Img.Messages.Graphs;

/// <summary>
/// The wire encoding of op fields: each field one MessagePack value, by position (names are not
/// written), a record as an array of its fields, image configs and platforms as their OCI JSON.
/// <see cref="MessagePackWriter"/> is a ref struct and cannot be kept, so each value opens one
/// on the shared buffer and flushes it.
/// </summary>
internal sealed class WireFieldWriter(IBufferWriter<byte> buffer) : IOpFieldWriter
{
    public void ArrayHeader(int count)
    {
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(count);
        w.Flush();
    }

    public void String(string value)
    {
        var w = new MessagePackWriter(buffer);
        w.Write(value);
        w.Flush();
    }

    public void Nil()
    {
        var w = new MessagePackWriter(buffer);
        w.WriteNil();
        w.Flush();
    }

    public void String(string name, string value) => String(value);

    public void OptionalString(string name, string? value)
    {
        if (value is null) Nil();
        else String(value);
    }

    public void Bool(string name, bool value)
    {
        var w = new MessagePackWriter(buffer);
        w.Write(value);
        w.Flush();
    }

    public void Int32(string name, int value)
    {
        var w = new MessagePackWriter(buffer);
        w.Write(value);
        w.Flush();
    }

    public void Int64(string name, long value)
    {
        var w = new MessagePackWriter(buffer);
        w.Write(value);
        w.Flush();
    }

    public void UInt32(string name, uint value)
    {
        var w = new MessagePackWriter(buffer);
        w.Write(value);
        w.Flush();
    }

    public void OptionalUInt32(string name, uint? value)
    {
        if (value is { } v) UInt32(name, v);
        else Nil();
    }

    /// <summary>An input as [digest, output], or nil for scratch.</summary>
    public void Input(string name, OpInput? value)
    {
        if (value is null)
        {
            Nil();
            return;
        }
        ArrayHeader(2);
        String(value.Digest.Value);
        Int32(name, value.Output);
    }

    public void Strings(string name, IReadOnlyList<string> values)
    {
        ArrayHeader(values.Count);
        foreach (var v in values)
            String(v);
    }

    public void Inputs(string name, IReadOnlyList<OpInput> values)
    {
        ArrayHeader(values.Count);
        foreach (var v in values)
            Input(name, v);
    }

    public void Records<T>(string name, IReadOnlyList<T> values, OpSchema<T> schema) where T : class
    {
        ArrayHeader(values.Count);
        foreach (var v in values)
        {
            ArrayHeader(schema.StoredFieldCount);
            schema.Write(v, this);
        }
    }

    /// <summary>Each item as [kind, fields...].</summary>
    public void Variants<T>(string name, IReadOnlyList<T> values, OpUnion<T> union) where T : class
    {
        ArrayHeader(values.Count);
        foreach (var v in values)
        {
            var member = union.For(v);
            ArrayHeader(1 + member.StoredFieldCount);
            String(member.Kind);
            member.Write(v, this);
        }
    }

    public void Platform(string name, Platform? value) => Json(value);

    public void ImageConfig(string name, ImageConfig value) => Json(value);

    public void Text(string name, string value) => String(value);

    /// <summary>Unix seconds, or nil.</summary>
    public void OptionalSeconds(string name, DateTimeOffset? value)
    {
        if (value is { } time) Int64(name, time.ToUnixTimeSeconds());
        else Nil();
    }

    /// <summary>[name, level or nil, force], or nil for the node's default.</summary>
    public void Compression(string name, LayerCompressionOptions? value)
    {
        if (value is null)
        {
            Nil();
            return;
        }
        ArrayHeader(3);
        String(LayerCompressionOptions.NameOf(value.Compression));
        if (value.Level is int level) Int32(name, level);
        else Nil();
        Bool(name, value.Force);
    }

    /// <summary>[[host, address]..., shm size, [name, soft, hard]..., cgroup parent], or nil for none.</summary>
    public void Resources(string name, ExecResources? value)
    {
        if (value is null)
        {
            Nil();
            return;
        }
        ArrayHeader(4);
        ArrayHeader(value.ExtraHosts.Count);
        foreach (var h in value.ExtraHosts)
        {
            ArrayHeader(2);
            String(h.Host);
            String(h.Address);
        }
        Int64(name, value.ShmSize);
        ArrayHeader(value.Ulimits.Count);
        foreach (var u in value.Ulimits)
        {
            ArrayHeader(3);
            String(u.Name);
            Int64(name, u.Soft);
            Int64(name, u.Hard);
        }
        String(value.CgroupParent);
    }

    /// <summary>Constants are the digest's; the reader knows them.</summary>
    public void Constant(string name, string value)
    {
    }

    private void Json<T>(T? value) where T : class
    {
        if (value is null)
        {
            Nil();
            return;
        }
        var w = new MessagePackWriter(buffer);
        w.Write(JsonSerializer.SerializeToUtf8Bytes(value));
        w.Flush();
    }
}
