using System.Collections.Frozen;
using System.Reflection;
using MessagePack;
using MessagePack.Formatters;

namespace Img.Messages.Serialization;

/// <summary>
/// The <see cref="IImgMessage"/> union in MessagePack's union layout (<c>[tag, body]</c>, nil for
/// null), with the tags read from the interface's <see cref="UnionAttribute"/>s. MessagePack's own
/// union resolver emits IL for the whole union on first use (about 70 ms of JIT on every img
/// start, since the persistence journal deserialises through it, and impossible with dynamic code
/// off); this one only binds, by reflection, the members a process actually meets.
/// </summary>
internal sealed class ImgMessageUnionFormatter : IMessagePackFormatter<IImgMessage?>
{
    public static ImgMessageUnionFormatter Instance { get; } = new();

    private static readonly FrozenDictionary<int, Type> TypesByTag = typeof(IImgMessage)
        .GetCustomAttributes<UnionAttribute>()
        .ToFrozenDictionary(u => u.Key, u => u.SubType);

    private static readonly FrozenDictionary<Type, int> TagsByType = TypesByTag.ToFrozenDictionary(p => p.Value, p => p.Key);

    private static readonly MethodInfo BindMethod = typeof(ImgMessageUnionFormatter).GetMethod(nameof(Bind), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Dictionary<Type, IMember> _members = new();

    private ImgMessageUnionFormatter()
    {
    }

    public void Serialize(ref MessagePackWriter writer, IImgMessage? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        var type = value.GetType();
        if (!TagsByType.TryGetValue(type, out var tag))
            throw new MessagePackSerializationException($"{type} is not a member of the {nameof(IImgMessage)} union");
        writer.WriteArrayHeader(2);
        writer.Write(tag);
        Bound(type).Serialize(ref writer, value, options);
    }

    public IImgMessage? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        if (reader.ReadArrayHeader() != 2)
            throw new MessagePackSerializationException($"an {nameof(IImgMessage)} is a [tag, body] array of 2");
        var tag = reader.ReadInt32();
        if (!TypesByTag.TryGetValue(tag, out var type))
            throw new MessagePackSerializationException($"unknown {nameof(IImgMessage)} tag {tag} (written by a newer img?)");
        options.Security.DepthStep(ref reader);
        try
        {
            return Bound(type).Deserialize(ref reader, options);
        }
        finally
        {
            reader.Depth--;
        }
    }

    private IMember Bound(Type type)
    {
        lock (_members)
        {
            if (!_members.TryGetValue(type, out var member))
                _members[type] = member = (IMember)BindMethod.MakeGenericMethod(type).Invoke(null, null)!;
            return member;
        }
    }

    private static IMember Bind<T>()
        where T : class, IImgMessage => new Member<T>();

    private interface IMember
    {
        void Serialize(ref MessagePackWriter writer, IImgMessage value, MessagePackSerializerOptions options);

        IImgMessage? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options);
    }

    private sealed class Member<T> : IMember
        where T : class, IImgMessage
    {
        public void Serialize(ref MessagePackWriter writer, IImgMessage value, MessagePackSerializerOptions options) =>
            options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, (T)value, options);

        public IImgMessage? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
            options.Resolver.GetFormatterWithVerify<T>().Deserialize(ref reader, options);
    }
}
