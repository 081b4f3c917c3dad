using Img.Engine.Images;

namespace Img.Engine.Registry;

/// <summary>What a pull stored: the image record, the digest the reference resolved to, and how many blobs moved.</summary>
public sealed record PullResult(Image Image, string RootDigest, int BlobsDownloaded, int BlobsAlreadyPresent, bool Updated);
