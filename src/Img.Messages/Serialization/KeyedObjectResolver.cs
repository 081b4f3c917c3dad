using System.Reflection;
using MessagePack;
using MessagePack.Formatters;

namespace Img.Messages.Serialization;

/// <summary>
/// <see cref="KeyedObjectFormatter{T}"/> for every concrete <c>[MessagePackObject]</c> type: img's
/// stand-in for MessagePack's DynamicObjectResolver, which emits IL. A type whose contract is not
/// one img supports (string keys, a public member without <c>[Key]</c>, no usable constructor)
/// fails here, on first use, with a message naming the type and the problem.
/// </summary>
internal sealed class KeyedObjectResolver : IFormatterResolver
{
    public static KeyedObjectResolver Instance { get; } = new();

    private KeyedObjectResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter =
            typeof(T) is { IsInterface: false, IsAbstract: false } type && type.IsDefined(typeof(MessagePackObjectAttribute), inherit: true)
                ? new KeyedObjectFormatter<T>(new KeyedObjectContract<T>())
                : null;
    }
}
