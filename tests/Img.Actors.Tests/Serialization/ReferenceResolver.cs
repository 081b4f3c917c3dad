using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages.Serialization;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// What img wrote before its own formatters (and what journals and older processes hold): img's
/// formatters for the engine types, which have no MessagePack attributes, then MessagePack's
/// StandardResolver with its IL-emitting object, union and generic resolvers for everything else,
/// the union included. Tests only: it needs dynamic code.
/// </summary>
public sealed class ReferenceResolver : IFormatterResolver
{
    public static MessagePackSerializerOptions Options { get; } = MessagePackSerializerOptions.Standard.WithResolver(new ReferenceResolver());

    private ReferenceResolver()
    {
    }

    public IMessagePackFormatter<T>? GetFormatter<T>()
    {
        var t = typeof(T);
        return t == typeof(CacheKey) || t == typeof(OpDigest) || t == typeof(Digest) || t == typeof(Descriptor) || t == typeof(CacheResult)
            ? ImgResolver.Instance.GetFormatter<T>()
            : StandardResolver.Instance.GetFormatter<T>();
    }
}
