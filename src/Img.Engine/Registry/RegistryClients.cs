using System.Collections.Concurrent;
using Img.Engine.Registry.Auth;

namespace Img.Engine.Registry;

/// <summary>
/// One <see cref="RegistryClient"/> per registry for a command or a node, all sharing the same
/// options and one <see cref="TokenCache"/>. Dispose it to release the connections.
/// </summary>
public sealed class RegistryClients : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RegistryClient>> _clients = new(StringComparer.Ordinal);
    private readonly RegistryClientOptions _options;

    public RegistryClients(RegistryClientOptions? options = null)
    {
        var o = options ?? new RegistryClientOptions();
        _options = o.TokenCache is null ? o with { TokenCache = new TokenCache(o.TimeProvider) } : o;
    }

    public RegistryClient Get(string registry)
    {
        var name = RegistryEndpoint.Resolve(registry, _options.InsecureRegistries, _options.CertsDirectory).Name;
        return _clients.GetOrAdd(name, n => new Lazy<RegistryClient>(() => new RegistryClient(n, _options))).Value;
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values)
            if (c.IsValueCreated) c.Value.Dispose();
        _clients.Clear();
    }
}
