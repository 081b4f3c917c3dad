using Img.Engine.Solver;
using Img.Messages.Vertices.Events;
using MessagePack;
using MessagePack.Formatters;

namespace Img.Messages.Serialization;

/// <summary>
/// <see cref="VertexRecorded"/>, the one persisted event, written by hand in exactly the layout
/// MessagePack's object resolver gives its <c>[Key]</c>s (an array, key 0 then key 1). Its bytes are
/// fixed by every journal, and every img start that recovers vertex entities reads it, so it does
/// without even <see cref="KeyedObjectFormatter{T}"/>'s reflection binding. Later keys from a newer
/// writer are skipped.
/// </summary>
internal sealed class VertexRecordedFormatter : IMessagePackFormatter<VertexRecorded?>
{
    public static VertexRecordedFormatter Instance { get; } = new();

    public void Serialize(ref MessagePackWriter writer, VertexRecorded? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(2);
        options.Resolver.GetFormatterWithVerify<CacheKey>().Serialize(ref writer, value.Key, options);
        options.Resolver.GetFormatterWithVerify<CacheResult?>().Serialize(ref writer, value.Result, options);
    }

    public VertexRecorded? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        var count = reader.ReadArrayHeader();
        if (count < 2)
            throw new MessagePackSerializationException($"{nameof(VertexRecorded)} needs 2 fields, found {count}");
        var key = options.Resolver.GetFormatterWithVerify<CacheKey>().Deserialize(ref reader, options);
        var result = options.Resolver.GetFormatterWithVerify<CacheResult?>().Deserialize(ref reader, options)
            ?? throw new MessagePackSerializationException($"{nameof(VertexRecorded)} without a result");
        for (var i = 2; i < count; i++)
            reader.Skip();
        return new VertexRecorded(key, result);
    }
}
