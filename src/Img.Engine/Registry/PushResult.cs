namespace Img.Engine.Registry;

/// <summary>What a push did: the pushed manifest's (or index's) digest and size, and blob counts.</summary>
public sealed record PushResult(string Digest, long Size, int BlobsUploaded, int BlobsMounted, int BlobsAlreadyPresent);
