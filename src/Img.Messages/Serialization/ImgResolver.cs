using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages.Vertices.Events;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Img.Messages.Serialization;

/// <summary>The formatters of img's messages: engine types first, then MessagePack's standard resolver.</summary>
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
            return StandardResolver.Instance.GetFormatter<T>();
        }
    }
}
