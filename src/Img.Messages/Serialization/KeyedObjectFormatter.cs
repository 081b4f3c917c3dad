using MessagePack;
using MessagePack.Formatters;

namespace Img.Messages.Serialization;

/// <summary>
/// Writes and reads a <c>[MessagePackObject]</c> type with integer keys in the layout MessagePack
/// 2.5's object resolver uses (an array indexed by key, nil in gaps, nil for a null object), but
/// through reflection bound once per type (<see cref="KeyedObjectContract{T}"/>) instead of IL it
/// emits: img's binaries run with dynamic code off, where that resolver throws.
/// Reading is append-only aware: elements past the last known key (a newer writer's) are skipped;
/// missing trailing elements (an older writer's) are read as their constructor defaults when the
/// record declares them, and are otherwise an error naming the type.
/// </summary>
internal sealed class KeyedObjectFormatter<T> : IMessagePackFormatter<T>
{
    private readonly KeyedObjectContract<T> _contract;

    public KeyedObjectFormatter(KeyedObjectContract<T> contract) => _contract = contract;

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        if (_contract.HasCallbacks && value is IMessagePackSerializationCallbackReceiver receiver)
        {
            receiver.OnBeforeSerialize();
            value = (T)receiver;
        }
        var members = _contract.Written;
        writer.WriteArrayHeader(members.Length);
        foreach (var member in members)
        {
            if (member is null)
                writer.WriteNil();
            else
                member.Write(ref writer, ref value, options);
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return typeof(T).IsValueType
                ? throw new MessagePackSerializationException($"{typeof(T).FullName} is a struct: nil cannot be read as one")
                : default!;
        }
        options.Security.DepthStep(ref reader);
        try
        {
            var count = reader.ReadArrayHeader();
            var needed = _contract.MinimumCount;
            if (count < needed)
                throw new MessagePackSerializationException($"{typeof(T).FullName} needs at least {needed} array elements (keys 0 to {needed - 1}), found {count}");
            var members = _contract.Read;
            var values = members.Length == 0 ? [] : new object?[members.Length];
            for (var key = 0; key < count; key++)
            {
                if (key < members.Length && members[key] is { } member)
                    values[key] = member.Read(ref reader, options);
                else
                    reader.Skip();
            }
            var result = _contract.Create(values, count);
            if (_contract.HasCallbacks && result is IMessagePackSerializationCallbackReceiver receiver)
            {
                receiver.OnAfterDeserialize();
                result = (T)receiver;
            }
            return result;
        }
        finally
        {
            reader.Depth--;
        }
    }
}
