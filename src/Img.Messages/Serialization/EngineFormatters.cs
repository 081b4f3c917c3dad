using System.Buffers;
using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using MessagePack;
using MessagePack.Formatters;

namespace Img.Messages.Serialization;

/// <summary>
/// MessagePack formatters for the engine types messages carry, so the engine stays free of
/// serializer attributes: digests and keys as strings, descriptors as their OCI JSON,
/// <see cref="CacheResult"/> as a keyed array (append-only like message keys).
/// </summary>
internal sealed class EngineFormatters :
    IMessagePackFormatter<CacheKey>,
    IMessagePackFormatter<OpDigest>,
    IMessagePackFormatter<Digest>,
    IMessagePackFormatter<Descriptor?>,
    IMessagePackFormatter<CacheResult?>
{
    public static EngineFormatters Instance { get; } = new();

    public void Serialize(ref MessagePackWriter writer, CacheKey value, MessagePackSerializerOptions options) => writer.Write(value.Value);

    CacheKey IMessagePackFormatter<CacheKey>.Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => new(ReadString(ref reader));

    public void Serialize(ref MessagePackWriter writer, OpDigest value, MessagePackSerializerOptions options) => writer.Write(value.Value);

    OpDigest IMessagePackFormatter<OpDigest>.Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => new(ReadString(ref reader));

    public void Serialize(ref MessagePackWriter writer, Digest value, MessagePackSerializerOptions options) => writer.Write(value.ToString());

    Digest IMessagePackFormatter<Digest>.Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => Digest.Parse(ReadString(ref reader));

    public void Serialize(ref MessagePackWriter writer, Descriptor? value, MessagePackSerializerOptions options)
    {
        if (value is null) writer.WriteNil();
        else writer.Write(JsonSerializer.SerializeToUtf8Bytes(value));
    }

    Descriptor? IMessagePackFormatter<Descriptor?>.Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        var bytes = reader.ReadBytes() ?? throw new MessagePackSerializationException("descriptor: unexpected nil");
        return JsonSerializer.Deserialize<Descriptor>(bytes.ToArray());
    }

    public void Serialize(ref MessagePackWriter writer, CacheResult? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        // a sixth field only for imported results: every journal's bytes stay what they were
        writer.WriteArrayHeader(value.Imported is null ? 5 : 6);
        writer.Write(value.SnapshotId);
        Serialize(ref writer, value.Layer, options);
        if (value.DiffId is { } diffId) writer.Write(diffId.ToString());
        else writer.WriteNil();
        Serialize(ref writer, value.Image, options);
        writer.Write(value.Location);
        if (value.Imported is { } imported)
        {
            writer.WriteArrayHeader(3);
            writer.Write(imported.Source);
            Serialize(ref writer, imported.Description, options);
            writer.Write(imported.Key.Value);
        }
    }

    CacheResult? IMessagePackFormatter<CacheResult?>.Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        var count = reader.ReadArrayHeader();
        if (count < 5)
            throw new MessagePackSerializationException($"cache result: expected at least 5 fields, got {count}");
        var descriptors = (IMessagePackFormatter<Descriptor?>)this;
        var snapshot = ReadString(ref reader);
        var layer = descriptors.Deserialize(ref reader, options);
        Digest? diffId = reader.TryReadNil() ? null : Digest.Parse(ReadString(ref reader));
        var image = descriptors.Deserialize(ref reader, options);
        var location = ReadString(ref reader);
        ImportedResult? imported = null;
        if (count > 5 && !reader.TryReadNil())
        {
            var fields = reader.ReadArrayHeader();
            if (fields < 3)
                throw new MessagePackSerializationException($"imported result: expected at least 3 fields, got {fields}");
            var source = ReadString(ref reader);
            var description = descriptors.Deserialize(ref reader, options)
                ?? throw new MessagePackSerializationException("imported result: no description");
            var key = new CacheKey(ReadString(ref reader));
            for (var n = 3; n < fields; n++)
                reader.Skip();
            imported = new ImportedResult(source, description, key);
        }
        for (var n = 6; n < count; n++)
            reader.Skip();
        return new CacheResult(snapshot, layer, diffId, image, location, imported);
    }

    private static string ReadString(ref MessagePackReader reader) =>
        reader.ReadString() ?? throw new MessagePackSerializationException("unexpected nil string");
}
