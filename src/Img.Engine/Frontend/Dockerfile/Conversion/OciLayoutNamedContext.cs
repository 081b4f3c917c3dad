using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// An image of an OCI layout directory (<c>NAME=oci-layout://PATH[:TAG][@DIGEST]</c>) whose blobs the
/// client has copied into the content store. The source is named by the context name and the
/// digest only (BuildKit's <c>oci-layout://NAME@DIGEST</c>): where the directory lies is no part of the cache key.
/// </summary>
/// <param name="Digest">The image's root (index or manifest) digest.</param>
/// <param name="Config">The platform-selected image config.</param>
public sealed record OciLayoutNamedContext(string Digest, ImageConfig Config) : NamedContext;
