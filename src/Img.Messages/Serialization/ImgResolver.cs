using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages.Vertices.Events;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Img.Messages.Serialization;

/// <summary>
/// The formatters of img's messages, none generated at run time. img's binaries run with
/// <c>DynamicCodeSupport=false</c>, where MessagePack's StandardResolver fails: its object, union
/// and enum resolvers define types with Reflection.Emit. The chain, first match wins:
/// <list type="number">
/// <item>img's hand-written formatters: engine types (<see cref="EngineFormatters"/>), the
/// <see cref="IImgMessage"/> union, <see cref="VertexRecorded"/> (the persisted event; its bytes are
/// fixed by the journals).</item>
/// <item>MessagePack's BuiltinResolver: primitives, strings, <c>byte[]</c>, nullable primitives;
/// a table of precompiled singletons.</item>
/// <item>MessagePack's AttributeFormatterResolver: a type's own <c>[MessagePackFormatter]</c>,
/// created with Activator, as StandardResolver would.</item>
/// <item><see cref="GenericShapeResolver"/>: enums, nullables, arrays, lists, dictionaries.</item>
/// <item><see cref="KeyedObjectResolver"/>: every other <c>[MessagePackObject]</c> type.</item>
/// </list>
/// The bytes are StandardResolver's (journals and older processes hold them). A type none of them
/// handles has no formatter, so MessagePack throws naming it, instead of falling back to a
/// resolver that emits and failing only in a published binary.
/// </summary>
public sealed class ImgResolver : IFormatterResolver
{
    public static ImgResolver Instance { get; } = new();

    /// <summary>The options every img message is written with (untrusted-data limits on).</summary>
    public static MessagePackSerializerOptions Options { get; } = MessagePackSerializerOptions.Standard
        .WithResolver(Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    private ImgResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter = Find();

        private static IMessagePackFormatter<T>? Find()
        {
            var t = typeof(T);
            if (t == typeof(CacheKey) || t == typeof(OpDigest) || t == typeof(Digest) || t == typeof(Descriptor) || t == typeof(CacheResult))
                return (IMessagePackFormatter<T>)(object)EngineFormatters.Instance;
            if (t == typeof(IImgMessage))
                return (IMessagePackFormatter<T>)(object)ImgMessageUnionFormatter.Instance;
            if (t == typeof(VertexRecorded))
                return (IMessagePackFormatter<T>)(object)VertexRecordedFormatter.Instance;
            return BuiltinResolver.Instance.GetFormatter<T>()
                ?? AttributeFormatterResolver.Instance.GetFormatter<T>()
                ?? GenericShapeResolver.Instance.GetFormatter<T>()
                ?? KeyedObjectResolver.Instance.GetFormatter<T>();
        }
    }
}
