using Img.Engine.Oci;

namespace Img.Engine.Registry;

/// <summary>A manifest or index as the registry served it: exact bytes, media type, verified digest.</summary>
public sealed record FetchedManifest(byte[] Content, string MediaType, string Digest)
{
    public Descriptor ToDescriptor() => new() { MediaType = MediaType, Digest = Digest, Size = Content.LongLength };

    public bool IsIndex => MediaTypes.IsIndex(MediaType);
}
