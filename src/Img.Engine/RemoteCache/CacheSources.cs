using Img.Engine.Registry;
using Img.Engine.RemoteCache.Local;
using Img.Engine.RemoteCache.Registry;

namespace Img.Engine.RemoteCache;

/// <summary>Cache locations opened with a set of registry clients; directories only when <paramref name="directories"/> (this process is the client).</summary>
public sealed class CacheSources(RegistryClients registries, bool directories = true) : ICacheSourceResolver
{
    public ICacheBlobSource Open(string location)
    {
        var parsed = CacheLocation.Parse(location);
        if (parsed.Kind == CacheLocationKind.Registry)
            return new RegistryBlobSource(registries.Get(parsed.Registry), parsed.Repository);
        if (!directories)
            throw new InvalidOperationException($"cache {location} is a directory of the client, which this node cannot read");
        return new OciLayoutBlobSource(parsed.Directory);
    }
}
