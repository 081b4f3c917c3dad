using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry.Auth;
using Img.Engine.Registry.Credentials;
using Img.Engine.Registry.Remote;

namespace Img.Engine.Registry;

/// <summary>
/// A client for one registry's distribution API (<c>/v2/</c>). Repositories are paths inside the
/// registry (<c>library/busybox</c>); references are tags or digests. This type only names the
/// operations; each role lives in its own type under <c>Remote/</c>, as containerd splits its
/// docker remote: <see cref="ManifestResolver"/> (tag or digest to verified manifest, index to
/// platform), <see cref="BlobFetcher"/>, <see cref="BlobPusher"/> and <see cref="BlobUpload"/>,
/// <see cref="ManifestPusher"/>, <see cref="RegistryLogin"/>, over one <see cref="RegistryTransport"/>
/// (HTTP, <see cref="RegistryAuthorizer"/>, <see cref="RetryPolicy"/>) and
/// <see cref="RegistryErrors"/>. Idempotent requests are retried on network errors and 5xx;
/// uploads are retried as a whole session. Everything fetched is checked against its digest.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    /// <summary>What a pull accepts, indexes first so that platform selection can happen here.</summary>
    public static readonly IReadOnlyList<string> DefaultManifestAccept = ManifestResolver.DefaultAccept;

    private readonly RegistryTransport _transport;
    private readonly ManifestResolver _resolver;
    private readonly ManifestPusher _manifests;
    private readonly BlobFetcher _fetcher;
    private readonly BlobPusher _pusher;
    private readonly RegistryLogin _login;

    public RegistryClient(string registry, RegistryClientOptions? options = null)
        : this(Resolve(registry, options ?? new RegistryClientOptions()), options)
    {
    }

    /// <summary>
    /// A client for an endpoint whose scheme is already decided (a cluster peer's blob server: HTTPS
    /// on loopback too, which <see cref="RegistryEndpoint.Resolve"/> would turn into plain HTTP).
    /// </summary>
    public RegistryClient(RegistryEndpoint endpoint, RegistryClientOptions? options = null)
    {
        _transport = new RegistryTransport(endpoint, options ?? new RegistryClientOptions());
        _resolver = new ManifestResolver(_transport);
        _manifests = new ManifestPusher(_transport);
        _fetcher = new BlobFetcher(_transport);
        _pusher = new BlobPusher(_transport, _fetcher);
        _login = new RegistryLogin(_transport);
    }

    public RegistryEndpoint Endpoint => _transport.Endpoint;

    private static RegistryEndpoint Resolve(string registry, RegistryClientOptions options) =>
        RegistryEndpoint.Resolve(registry, options.InsecureRegistries, options.Handler is null ? options.CertsDirectory : null);

    public void Dispose() => _transport.Dispose();

    /// <summary>
    /// <c>GET /v2/</c>. Returns the authentication challenges the registry sent (empty when it
    /// answered 200 to an anonymous request) and remembers them for later requests.
    /// </summary>
    public Task<IReadOnlyList<AuthChallenge>> PingAsync(CancellationToken ct = default) => _login.PingAsync(ct);

    /// <summary>
    /// Proves <paramref name="credential"/> works against this registry before <c>img login</c>
    /// saves it. Throws <see cref="RegistryErrorKind.Unauthorized"/> when it does not.
    /// </summary>
    public Task CheckCredentialsAsync(RegistryCredential credential, CancellationToken ct = default) =>
        _login.CheckCredentialsAsync(credential, ct);

    /// <summary>
    /// Fetches a manifest or index by tag or digest. By digest, the bytes must hash to it; by tag,
    /// the digest is computed from the bytes (and must agree with <c>Docker-Content-Digest</c>).
    /// </summary>
    public Task<FetchedManifest> GetManifestAsync(string repository, string reference,
        IReadOnlyList<string>? accept = null, CancellationToken ct = default) =>
        _resolver.GetManifestAsync(repository, reference, accept, ct);

    /// <summary>
    /// Resolves a reference to the image manifest for <paramref name="platform"/> (default: the
    /// host's): an index is searched with <c>PlatformMatcher</c> and the chosen manifest fetched by
    /// digest; a plain manifest is returned as is.
    /// </summary>
    public Task<ResolvedManifest> ResolvePlatformAsync(string repository, string reference,
        Platform? platform = null, CancellationToken ct = default) =>
        _resolver.ResolvePlatformAsync(repository, reference, platform, ct);

    /// <summary>An index entry's manifest by digest, checked against the size the index gives.</summary>
    public Task<FetchedManifest> GetChildManifestAsync(string repository, Descriptor child, CancellationToken ct = default) =>
        _resolver.GetChildAsync(repository, child, ct);

    /// <summary>Uploads a manifest or index under a tag or its digest and returns its digest.</summary>
    public Task<string> PutManifestAsync(string repository, string reference, ReadOnlyMemory<byte> content,
        string mediaType, CancellationToken ct = default) =>
        _manifests.PutManifestAsync(repository, reference, content, mediaType, ct);

    /// <summary><c>HEAD</c> on a blob: true if the repository can serve it.</summary>
    public Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct = default) =>
        _fetcher.ExistsAsync(repository, digest, [AuthScope.Pull(repository).ToString()], ct);

    /// <summary>
    /// Streams a blob into <paramref name="destination"/>, hashing while copying. If the bytes do
    /// not match the descriptor's digest or size the call throws
    /// <see cref="RegistryErrorKind.DigestMismatch"/>; the caller must then discard what it wrote
    /// (an ingester simply never commits). Returns the number of bytes written.
    /// </summary>
    public Task<long> GetBlobAsync(string repository, Descriptor blob, Stream destination, CancellationToken ct = default) =>
        _fetcher.DownloadAsync(repository, blob, destination, hashHere: true, ct);

    /// <summary>
    /// Downloads a blob into the content store: committed only if digest and size match, so a bad
    /// download leaves nothing behind; a connection lost mid-body restarts into a fresh writer.
    /// </summary>
    public Task<ContentInfo> GetBlobAsync(string repository, Descriptor blob, IContentIngester ingester, CancellationToken ct = default) =>
        _fetcher.IngestAsync(repository, blob, ingester, ct);

    /// <summary>Pushes a blob read from the content store (see the stream overload).</summary>
    public Task<BlobPushResult> PushBlobAsync(string repository, Descriptor blob, IContentProvider provider,
        string? mountFrom = null, CancellationToken ct = default) =>
        _pusher.PushAsync(repository, blob, async c => new ContentReaderStream(await provider.OpenAsync(blob, c).ConfigureAwait(false)),
            mountFrom, ct);

    /// <summary>
    /// Makes <paramref name="blob"/> present in <paramref name="repository"/>: nothing if it is
    /// there already; a cross-repository mount when <paramref name="mountFrom"/> names a repository of
    /// this registry that has it; otherwise an upload, monolithic up to
    /// <see cref="RegistryClientOptions.MonolithicUploadLimit"/>, chunked PATCHes above.
    /// <paramref name="open"/> may be called more than once (an upload is retried from the start).
    /// </summary>
    public Task<BlobPushResult> PushBlobAsync(string repository, Descriptor blob,
        Func<CancellationToken, Task<Stream>> open, string? mountFrom = null, CancellationToken ct = default) =>
        _pusher.PushAsync(repository, blob, open, mountFrom, ct);
}
