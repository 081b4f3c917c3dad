namespace Img.Engine.Content;

/// <summary>A blob that is not in the content store.</summary>
public sealed class ContentNotFoundException(Digest digest)
    : Exception($"content {digest} not found in the content store")
{
    public Digest Digest { get; } = digest;
}
