using System.Collections.Concurrent;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;

namespace Img.Engine.Transfer;

/// <summary>
/// Fetches blobs from the nodes that hold them, through their blob servers (the distribution
/// API's blob GET under the repository <see cref="Repository"/>) with the ordinary
/// <see cref="RegistryClient"/>: holders are tried in order; one that is unreachable, does not
/// have the blob, refuses us or sends bytes that do not hash to the digest is passed over for the
/// next (the client verifies while ingesting, so nothing of a bad download is kept). A holder that
/// was unreachable is tried after the others for the rest of this source's life. When every
/// holder failed, <see cref="ResultUnavailableException"/> lists them with their reasons.
/// </summary>
public sealed class PeerBlobSource : IBlobSource, IDisposable
{
    /// <summary>The repository path blobs are asked for under; a blob server serves any.</summary>
    public const string Repository = "_img";

    private readonly (Uri Holder, RegistryClient Client)[] _holders;
    private readonly ConcurrentDictionary<Uri, bool> _unreachable = new();

    /// <param name="holders">Base URLs of the holders' blob servers, in order of preference (<c>https://10.0.0.5:7701</c>).</param>
    /// <param name="client">
    /// Client settings; members pass their mutual-TLS <see cref="RegistryClientOptions.Handler"/> and,
    /// for servers that want one, <see cref="RegistryClientOptions.Credentials"/>. Default:
    /// <see cref="DefaultClientOptions"/>.
    /// </param>
    public PeerBlobSource(IEnumerable<Uri> holders, RegistryClientOptions? client = null)
    {
        var options = client ?? DefaultClientOptions;
        _holders = holders.Distinct().Select(h => (h, new RegistryClient(EndpointOf(h), options))).ToArray();
    }

    /// <summary>
    /// Peers are near and the coordinator knows other holders (or re-runs the vertex), so a holder
    /// gets one quick retry instead of a registry's four slow ones.
    /// </summary>
    public static RegistryClientOptions DefaultClientOptions { get; } = new()
    {
        MaxAttempts = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(100),
        RetryMaxDelay = TimeSpan.FromSeconds(1),
    };

    /// <summary>The holders, in the order given.</summary>
    public IReadOnlyList<Uri> Holders => _holders.Select(h => h.Holder).ToArray();

    public async Task<ContentInfo> FetchAsync(Descriptor blob, IContentIngester destination, CancellationToken ct)
    {
        var digest = Digest.Parse(blob.Digest);
        var failures = new List<BlobHolderFailure>();
        foreach (var (holder, client) in _holders.OrderBy(h => _unreachable.ContainsKey(h.Holder)))
        {
            try
            {
                var info = await client.GetBlobAsync(Repository, blob, destination, ct).ConfigureAwait(false);
                _unreachable.TryRemove(holder, out _);
                return info;
            }
            catch (RegistryException e) when (!ct.IsCancellationRequested)
            {
                if (e.Kind == RegistryErrorKind.Unavailable)
                    _unreachable[holder] = true;
                failures.Add(new BlobHolderFailure(holder.ToString(), e.Message));
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !ct.IsCancellationRequested)
            {
                _unreachable[holder] = true;
                failures.Add(new BlobHolderFailure(holder.ToString(), e.Message));
            }
        }
        throw new ResultUnavailableException(digest, failures);
    }

    public override string ToString() => string.Join(", ", _holders.Select(h => h.Holder));

    public void Dispose()
    {
        foreach (var (_, client) in _holders)
            client.Dispose();
    }

    /// <summary>The holder's URL taken as given: HTTPS stays HTTPS on loopback, a path prefix is kept.</summary>
    private static RegistryEndpoint EndpointOf(Uri holder)
    {
        if (!holder.IsAbsoluteUri || (holder.Scheme != Uri.UriSchemeHttps && holder.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"holder \"{holder}\" is not an http(s) URL", nameof(holder));
        if (holder.Query.Length > 0 || holder.Fragment.Length > 0)
            throw new ArgumentException($"holder \"{holder}\" must not have a query or fragment", nameof(holder));
        var path = holder.AbsolutePath.EndsWith('/') ? holder.AbsolutePath : holder.AbsolutePath + "/";
        return new RegistryEndpoint(holder.Authority, new UriBuilder(holder.Scheme, holder.Host, holder.Port, path).Uri);
    }
}
