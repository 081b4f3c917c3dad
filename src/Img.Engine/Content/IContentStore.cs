namespace Img.Engine.Content;

/// <summary>
/// A content-addressed blob store (containerd's content store shape): blobs are named by their
/// sha256 digest, added through an <see cref="IContentIngester"/> whose writer verifies and
/// atomically commits, read through an <see cref="IContentProvider"/>, and listed or deleted
/// through an <see cref="IContentManager"/>. Helpers in <see cref="ContentExtensions"/> ask for
/// the narrowest role. Implementations: <see cref="Local.LocalContentStore"/> (state directory).
/// </summary>
public interface IContentStore : IContentProvider, IContentIngester, IContentManager
{
}
