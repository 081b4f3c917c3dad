namespace Img.Engine.RemoteCache;

/// <summary>What holds a cache's blobs.</summary>
public enum CacheLocationKind
{
    Registry,
    Local,
}
