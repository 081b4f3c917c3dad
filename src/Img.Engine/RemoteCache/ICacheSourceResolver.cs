namespace Img.Engine.RemoteCache;

/// <summary>Opens the storage a cache location names (<see cref="CacheLocation"/>), with this process's registry logins.</summary>
public interface ICacheSourceResolver
{
    /// <exception cref="FormatException">Not a cache location.</exception>
    /// <exception cref="InvalidOperationException">A location this process cannot reach (a client's directory, seen from a cluster node).</exception>
    ICacheBlobSource Open(string location);
}
