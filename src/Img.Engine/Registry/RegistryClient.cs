using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Img.Engine.Registry.Auth;
using Img.Engine.Registry.Credentials;

namespace Img.Engine.Registry;

/// <summary>
/// A client for one registry's distribution API (<c>/v2/</c>). Repositories are paths inside the
/// registry (<c>library/busybox</c>); references are tags or digests. Authentication is learned
/// from the first 401 and applied to every later request (see <see cref="RegistryAuthorizer"/>).
/// Idempotent requests are retried on network errors and 5xx with exponential backoff; uploads are
/// retried as a whole session. Everything fetched is checked against its digest.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    /// <summary>What a pull accepts, indexes first so that platform selection can happen here.</summary>
    public static readonly IReadOnlyList<string> DefaultManifestAccept =
    [
        MediaTypes.OciIndex, MediaTypes.DockerManifestList, MediaTypes.OciManifest, MediaTypes.DockerManifest,
    ];

    private const string OctetStream = "application/octet-stream";
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly RegistryClientOptions _options;
    private readonly RegistryAuthorizer _authorizer;

    public RegistryClient(string registry, RegistryClientOptions? options = null)
        : this(RegistryEndpoint.Resolve(registry, (options ?? new RegistryClientOptions()).InsecureRegistries), options)
    {
    }

    /// <summary>
    /// A client for an endpoint whose scheme is already decided (a cluster peer's blob server: HTTPS
    /// on loopback too, which <see cref="RegistryEndpoint.Resolve"/> would turn into plain HTTP).
    /// </summary>
    public RegistryClient(RegistryEndpoint endpoint, RegistryClientOptions? options = null)
    {
        _options = options ?? new RegistryClientOptions();
        Endpoint = endpoint;
        if (_options.Handler is { } handler)
        {
            _http = new HttpClient(handler, disposeHandler: false);
        }
        else
        {
            _http = new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = true, // blob GETs redirect to storage; Authorization is not forwarded
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
            _ownsHttp = true;
        }
        _http.Timeout = Timeout.InfiniteTimeSpan; // big blobs; callers cancel through the token
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
        _authorizer = new RegistryAuthorizer(Endpoint, _http, _options.Credentials,
            _options.TokenCache ?? new TokenCache(_options.TimeProvider), _options.TimeProvider, _options.InsecureRegistries);
    }

    public RegistryEndpoint Endpoint { get; }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    // ---- ping and login ----------------------------------------------------------------------

    /// <summary>
    /// <c>GET /v2/</c>. Returns the authentication challenges the registry sent (empty when it
    /// answered 200 to an anonymous request) and remembers them for later requests.
    /// </summary>
    public async Task<IReadOnlyList<AuthChallenge>> PingAsync(CancellationToken ct = default)
    {
        using var response = await SendRawAsync(() => new HttpRequestMessage(HttpMethod.Get, ApiUri("v2/")), idempotent: true, ct)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var challenges = AuthChallengeParser.Parse(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
            _authorizer.Learn(response, null, sentAuthorization: false);
            return challenges;
        }
        if (!response.IsSuccessStatusCode)
            throw await ErrorAsync(response, Endpoint.Name, RegistryErrorKind.Other, ct).ConfigureAwait(false);
        return [];
    }

    /// <summary>
    /// What <c>img login</c> does before saving anything: proves <paramref name="credential"/> works
    /// against this registry (Basic on <c>/v2/</c>, or a token fetch for Bearer registries).
    /// Throws <see cref="RegistryErrorKind.Unauthorized"/> when it does not.
    /// </summary>
    public async Task CheckCredentialsAsync(RegistryCredential credential, CancellationToken ct = default)
    {
        var authorizer = new RegistryAuthorizer(Endpoint, _http, new FixedCredentialStore(credential),
            new TokenCache(_options.TimeProvider), _options.TimeProvider, _options.InsecureRegistries);
        var challenges = await PingAsync(ct).ConfigureAwait(false);
        var challenge = challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);
        if (challenge is null) return; // the registry lets everyone in
        authorizer.SetChallenge(challenge);
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiUri("v2/"));
        await authorizer.AuthorizeAsync(request, [], Endpoint.Name, ct).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorAsync(response, Endpoint.Name, RegistryErrorKind.Other, ct).ConfigureAwait(false);
    }

    // ---- manifests -----------------------------------------------------------------------------

    /// <summary>
    /// Fetches a manifest or index by tag or digest. By digest, the bytes must hash to it; by tag,
    /// the digest is computed from the bytes (and must agree with <c>Docker-Content-Digest</c>).
    /// </summary>
    public async Task<FetchedManifest> GetManifestAsync(string repository, string reference,
        IReadOnlyList<string>? accept = null, CancellationToken ct = default)
    {
        var subject = Subject(repository, reference);
        var acceptTypes = accept ?? DefaultManifestAccept;
        using var response = await SendAsync(() =>
        {
            var r = new HttpRequestMessage(HttpMethod.Get, ApiUri($"v2/{repository}/manifests/{reference}"));
            foreach (var a in acceptTypes) r.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(a));
            return r;
        }, [AuthScope.Pull(repository).ToString()], subject, idempotent: true, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorAsync(response, subject, RegistryErrorKind.ManifestUnknown, ct).ConfigureAwait(false);

        var content = await ReadBoundedAsync(response, _options.MaxManifestBytes, subject, ct).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (string.IsNullOrEmpty(mediaType) || mediaType is "application/json" or "text/plain")
            mediaType = SniffMediaType(content) ?? mediaType ?? "";
        var headerDigest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
        // By digest the bytes must hash to it; by tag they must agree with the header when it is a sha256 digest.
        Digest? expected = IsDigestReference(reference) ? Digest.Parse(reference)
            : Digest.TryParse(headerDigest, out var announced) ? announced : null;
        var actual = Digest.Compute(content);
        if (expected is { } e && e != actual)
            throw DigestMismatch(subject, e.ToString(), actual.ToString());
        return new FetchedManifest(content, mediaType, actual.ToString());
    }

    /// <summary>
    /// Resolves a reference to the image manifest for <paramref name="platform"/> (default: the
    /// host's): an index is searched with <see cref="PlatformMatcher"/> and the chosen manifest
    /// fetched by digest; a plain manifest is returned as is.
    /// </summary>
    public async Task<ResolvedManifest> ResolvePlatformAsync(string repository, string reference,
        Platform? platform = null, CancellationToken ct = default)
    {
        var want = platform ?? PlatformSpec.Default();
        var root = await GetManifestAsync(repository, reference, null, ct).ConfigureAwait(false);
        var current = root;
        for (var depth = 0; current.IsIndex; depth++)
        {
            if (depth == 4)
                throw new RegistryException(RegistryErrorKind.Protocol, $"indexes nested too deeply: {Subject(repository, reference)}");
            var index = Deserialize<ImageIndex>(current, Subject(repository, reference));
            var chosen = PlatformMatcher.Select(index.Manifests, want)
                ?? throw new RegistryException(RegistryErrorKind.ManifestUnknown,
                    $"no matching manifest for {PlatformSpec.Format(PlatformSpec.Normalize(want))} in the manifest list entries: {Subject(repository, reference)}");
            current = await GetManifestAsync(repository, chosen.Digest, null, ct).ConfigureAwait(false);
            if (current.Content.LongLength != chosen.Size)
                throw new RegistryException(RegistryErrorKind.DigestMismatch,
                    $"size mismatch for {Subject(repository, chosen.Digest)}: index says {chosen.Size}, got {current.Content.LongLength}");
        }
        if (!MediaTypes.IsManifest(current.MediaType))
            throw new RegistryException(RegistryErrorKind.Protocol,
                $"unsupported manifest media type \"{current.MediaType}\": {Subject(repository, reference)}");
        return new ResolvedManifest(root, current);
    }

    /// <summary>Uploads a manifest or index under a tag or its digest and returns its digest.</summary>
    public async Task<string> PutManifestAsync(string repository, string reference, ReadOnlyMemory<byte> content,
        string mediaType, CancellationToken ct = default)
    {
        var subject = Subject(repository, reference);
        var digest = Digest.Compute(content.Span).ToString();
        if (IsDigestReference(reference) && Digest.Parse(reference).ToString() != digest)
            throw DigestMismatch(subject, reference, digest);
        using var response = await SendAsync(() =>
        {
            var body = new ReadOnlyMemoryContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, ApiUri($"v2/{repository}/manifests/{reference}")) { Content = body };
        }, [AuthScope.PullPush(repository).ToString()], subject, idempotent: true, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorAsync(response, subject, RegistryErrorKind.ManifestUnknown, ct).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } echoed
            && Digest.TryParse(echoed, out var echoedDigest) && echoedDigest.ToString() != digest)
            throw DigestMismatch(subject, digest, echoed);
        return digest;
    }

    // ---- blobs ---------------------------------------------------------------------------------

    /// <summary><c>HEAD</c> on a blob: true if the repository can serve it.</summary>
    public Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct = default) =>
        BlobExistsAsync(repository, digest, [AuthScope.Pull(repository).ToString()], ct);

    private async Task<bool> BlobExistsAsync(string repository, string digest, IReadOnlyList<string> scopes, CancellationToken ct)
    {
        var subject = Subject(repository, digest);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, ApiUri($"v2/{repository}/blobs/{digest}")),
            scopes, subject, idempotent: true, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (!response.IsSuccessStatusCode)
            throw await ErrorAsync(response, subject, RegistryErrorKind.BlobUnknown, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Streams a blob into <paramref name="destination"/>, hashing while copying. If the bytes do
    /// not match the descriptor's digest or size the call throws
    /// <see cref="RegistryErrorKind.DigestMismatch"/>; the caller must then discard what it wrote
    /// (an ingester simply never commits). Returns the number of bytes written.
    /// </summary>
    public Task<long> GetBlobAsync(string repository, Descriptor blob, Stream destination, CancellationToken ct = default) =>
        DownloadAsync(repository, blob, destination, hashHere: true, ct);

    /// <param name="hashHere">
    /// False when <paramref name="destination"/> is a content-store ingest, whose commit checks the
    /// digest: hashing here too would cost a second sha256 pass over every byte.
    /// </param>
    private async Task<long> DownloadAsync(string repository, Descriptor blob, Stream destination, bool hashHere, CancellationToken ct)
    {
        var subject = Subject(repository, blob.Digest);
        var expected = Digest.Parse(blob.Digest);
        using var hash = hashHere ? new DigestHasher() : null;
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, ApiUri($"v2/{repository}/blobs/{blob.Digest}")),
            [AuthScope.Pull(repository).ToString()], subject, idempotent: true, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorAsync(response, subject, RegistryErrorKind.BlobUnknown, ct).ConfigureAwait(false);
        if (blob.Size >= 0 && response.Content.Headers.ContentLength is { } announced && announced != blob.Size)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"size mismatch for {subject}: expected {blob.Size} bytes, registry announced {announced}");

        await using var source = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[128 * 1024];
        long total = 0;
        while (true)
        {
            int n;
            try
            {
                n = await source.ReadAsync(buffer, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
            {
                throw new RegistryException(RegistryErrorKind.Unavailable,
                    $"connection lost while downloading {subject} after {total} bytes: {e.Message}", inner: e);
            }
            if (n == 0) break;
            total += n;
            if (blob.Size >= 0 && total > blob.Size)
                throw new RegistryException(RegistryErrorKind.DigestMismatch,
                    $"size mismatch for {subject}: more than the expected {blob.Size} bytes");
            hash?.Append(buffer.AsSpan(0, n));
            await destination.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
        }
        if (hash?.Digest is { } actual && actual != expected)
            throw DigestMismatch(subject, blob.Digest, actual.ToString());
        if (blob.Size >= 0 && total != blob.Size)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"size mismatch for {subject}: expected {blob.Size} bytes, got {total}");
        return total;
    }

    /// <summary>
    /// Downloads a blob into the content store: the bytes go to an ingest writer and are committed
    /// only if digest and size match, so a bad download leaves nothing behind. A connection lost
    /// mid-body restarts the download into a fresh writer (bounded by <see cref="RegistryClientOptions.MaxAttempts"/>).
    /// </summary>
    public async Task<ContentInfo> GetBlobAsync(string repository, Descriptor blob, IContentIngester ingester, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await IngestBlobAsync(repository, blob, ingester, ct).ConfigureAwait(false);
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.Unavailable && attempt < _options.MaxAttempts)
            {
                await Task.Delay(Backoff(attempt), _options.TimeProvider, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<ContentInfo> IngestBlobAsync(string repository, Descriptor blob, IContentIngester ingester, CancellationToken ct)
    {
        var expected = Digest.Parse(blob.Digest);
        await using var writer = await ingester.OpenWriterAsync(ct).ConfigureAwait(false);
        await DownloadAsync(repository, blob, writer.Stream, hashHere: false, ct).ConfigureAwait(false);
        try
        {
            return await writer.CommitAsync(expected, blob.Size, ct).ConfigureAwait(false);
        }
        catch (ContentVerificationException e)
        {
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"digest mismatch for {Subject(repository, blob.Digest)}: {e.Message}", inner: e);
        }
    }

    /// <summary>Pushes a blob read from the content store (see the stream overload).</summary>
    public Task<BlobPushResult> PushBlobAsync(string repository, Descriptor blob, IContentProvider provider,
        string? mountFrom = null, CancellationToken ct = default) =>
        PushBlobAsync(repository, blob, async c => new ContentReaderStream(await provider.OpenAsync(blob, c).ConfigureAwait(false)),
            mountFrom, ct);

    /// <summary>
    /// Makes <paramref name="blob"/> present in <paramref name="repository"/>: nothing if it is
    /// there already; a cross-repository mount when <paramref name="mountFrom"/> names a repository of
    /// this registry that has it; otherwise an upload, monolithic (POST, then PUT with the bytes) up
    /// to <see cref="RegistryClientOptions.MonolithicUploadLimit"/>, chunked PATCHes above.
    /// <paramref name="open"/> may be called more than once (an upload is retried from the start).
    /// </summary>
    public async Task<BlobPushResult> PushBlobAsync(string repository, Descriptor blob,
        Func<CancellationToken, Task<Stream>> open, string? mountFrom = null, CancellationToken ct = default)
    {
        var subject = Subject(repository, blob.Digest);
        Digest.Parse(blob.Digest); // a malformed digest fails before any request
        var scopeList = new List<string> { AuthScope.PullPush(repository).ToString() };
        if (mountFrom is not null && mountFrom != repository) scopeList.Add(AuthScope.Pull(mountFrom).ToString());
        IReadOnlyList<string> scopes = AuthScope.Normalize(scopeList);

        if (await BlobExistsAsync(repository, blob.Digest, scopes, ct).ConfigureAwait(false))
            return BlobPushResult.AlreadyExists;

        for (var attempt = 1; ; attempt++)
        {
            Uri? location = null;
            try
            {
                Uri? started;
                (started, var mounted) = await StartUploadAsync(repository, blob.Digest,
                    mountFrom != repository ? mountFrom : null, scopes, subject, ct).ConfigureAwait(false);
                if (mounted) return BlobPushResult.Mounted;
                location = started!;
                await using var content = await open(ct).ConfigureAwait(false);
                if (blob.Size <= _options.MonolithicUploadLimit)
                    await UploadMonolithicAsync(location, blob, content, scopes, subject, ct).ConfigureAwait(false);
                else
                    await UploadChunkedAsync(location, blob, content, scopes, subject, ct).ConfigureAwait(false);
                return BlobPushResult.Uploaded;
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.Unavailable && attempt < _options.MaxAttempts)
            {
                await CancelUploadAsync(location, scopes, subject).ConfigureAwait(false);
                await Task.Delay(Backoff(attempt), _options.TimeProvider, ct).ConfigureAwait(false);
            }
            catch
            {
                await CancelUploadAsync(location, scopes, subject).ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task<(Uri? Location, bool Mounted)> StartUploadAsync(string repository, string digest, string? mountFrom,
        IReadOnlyList<string> scopes, string subject, CancellationToken ct)
    {
        var path = $"v2/{repository}/blobs/uploads/";
        if (mountFrom is not null)
            path += $"?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(mountFrom)}";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, ApiUri(path))
        {
            Content = new ByteArrayContent([]),
        }, scopes, subject, idempotent: false, ct).ConfigureAwait(false);
        if (mountFrom is not null && response.StatusCode == HttpStatusCode.Created)
            return (null, true);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw await ErrorAsync(response, subject, RegistryErrorKind.NameUnknown, ct).ConfigureAwait(false);
        return (UploadLocation(response, subject), false);
    }

    private async Task UploadMonolithicAsync(Uri location, Descriptor blob, Stream content,
        IReadOnlyList<string> scopes, string subject, CancellationToken ct)
    {
        var used = false;
        using var response = await SendAsync(() =>
        {
            // The stream can be sent once; an auth retry (the only resend here) happens before the
            // body is read, because a 401 on PUT comes only if the POST before it was unauthorized.
            if (used) throw new RegistryException(RegistryErrorKind.Unauthorized, $"unauthorized: authentication required: {subject}");
            used = true;
            var body = new StreamContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
            body.Headers.ContentLength = blob.Size;
            return new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest)) { Content = body };
        }, scopes, subject, idempotent: false, ct).ConfigureAwait(false);
        await CheckUploadCommittedAsync(response, blob, subject, ct).ConfigureAwait(false);
    }

    private async Task UploadChunkedAsync(Uri location, Descriptor blob, Stream content,
        IReadOnlyList<string> scopes, string subject, CancellationToken ct)
    {
        var buffer = new byte[_options.ChunkSize];
        long offset = 0;
        while (true)
        {
            var n = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (n == 0) break;
            var start = offset;
            var current = location;
            using var response = await SendAsync(() =>
            {
                var body = new ByteArrayContent(buffer, 0, n);
                body.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
                // distribution wants "start-end" (inclusive), without the "bytes " unit of RFC 9110.
                body.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + n - 1}");
                return new HttpRequestMessage(HttpMethod.Patch, current) { Content = body };
            }, scopes, subject, idempotent: false, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw await ErrorAsync(response, subject, RegistryErrorKind.BlobUnknown, ct).ConfigureAwait(false);
            location = UploadLocation(response, subject);
            offset += n;
        }
        if (offset != blob.Size)
            throw new RegistryException(RegistryErrorKind.DigestMismatch,
                $"size mismatch for {subject}: descriptor says {blob.Size} bytes, content had {offset}");
        using var done = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest))
        {
            Content = new ByteArrayContent([]),
        }, scopes, subject, idempotent: false, ct).ConfigureAwait(false);
        await CheckUploadCommittedAsync(done, blob, subject, ct).ConfigureAwait(false);
    }

    private async Task CheckUploadCommittedAsync(HttpResponseMessage response, Descriptor blob, string subject, CancellationToken ct)
    {
        if (response.StatusCode != HttpStatusCode.Created)
        {
            var error = await ErrorAsync(response, subject, RegistryErrorKind.BlobUnknown, ct).ConfigureAwait(false);
            if (error.ErrorCode is "DIGEST_INVALID" or "SIZE_INVALID")
                throw new RegistryException(RegistryErrorKind.DigestMismatch,
                    $"digest mismatch: registry rejected the upload of {subject}: the content does not match the digest",
                    response.StatusCode, error.ErrorCode, error);
            throw error;
        }
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } echoed
            && echoed != blob.Digest)
            throw DigestMismatch(subject, blob.Digest, echoed);
    }

    private async Task CancelUploadAsync(Uri? location, IReadOnlyList<string> scopes, string subject)
    {
        if (location is null) return;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, location),
                scopes, subject, idempotent: false, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RegistryException or HttpRequestException or OperationCanceledException)
        {
            // Best effort: the registry purges abandoned uploads itself.
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    /// <summary>Tags cannot contain a colon, so a reference with one is meant as a digest (and must parse as one).</summary>
    private static bool IsDigestReference(string reference) => reference.Contains(':');

    private Uri ApiUri(string relative) => new(Endpoint.BaseUri, relative);

    private string Subject(string repository, string reference) =>
        IsDigestReference(reference) ? $"{Endpoint.Name}/{repository}@{reference}" : $"{Endpoint.Name}/{repository}:{reference}";

    private Uri UploadLocation(HttpResponseMessage response, string subject)
    {
        var location = response.Headers.Location
            ?? throw new RegistryException(RegistryErrorKind.Protocol, $"registry sent no upload Location for {subject}");
        return location.IsAbsoluteUri ? location : new Uri(response.RequestMessage?.RequestUri ?? Endpoint.BaseUri, location);
    }

    private static Uri WithDigest(Uri location, string digest)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "digest=" + Uri.EscapeDataString(digest);
        return builder.Uri;
    }

    /// <summary>Sends with authentication: one extra round after a 401 that taught something new.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, IReadOnlyList<string> scopes,
        string subject, bool idempotent, CancellationToken ct)
    {
        for (var authRound = 0; ; authRound++)
        {
            string? tokenKey = null;
            var sentAuthorization = false;
            var response = await SendRawAsync(() => create(), idempotent, ct, async r =>
            {
                tokenKey = await _authorizer.AuthorizeAsync(r, scopes, subject, ct).ConfigureAwait(false);
                sentAuthorization = r.Headers.Authorization is not null;
            }).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || authRound >= 2) return response;
            if (!_authorizer.Learn(response, tokenKey, sentAuthorization)) return response;
            response.Dispose();
        }
    }

    /// <summary>Sends with bounded retries on network errors and 5xx (idempotent requests only).</summary>
    private async Task<HttpResponseMessage> SendRawAsync(Func<HttpRequestMessage> create, bool idempotent,
        CancellationToken ct, Func<HttpRequestMessage, Task>? prepare = null)
    {
        var attempts = idempotent ? Math.Max(1, _options.MaxAttempts) : 1;
        for (var attempt = 1; ; attempt++)
        {
            using var request = create();
            if (prepare is not null) await prepare(request).ConfigureAwait(false);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                if (attempt >= attempts)
                    throw new RegistryException(RegistryErrorKind.Unavailable,
                        $"cannot reach registry {Endpoint.Name} ({request.Method} {request.RequestUri?.AbsolutePath}): {e.Message}", inner: e);
                await Task.Delay(Backoff(attempt), _options.TimeProvider, ct).ConfigureAwait(false);
                continue;
            }
            if (IsTransient(response.StatusCode))
            {
                if (attempt < attempts)
                {
                    response.Dispose();
                    await Task.Delay(RetryAfter(response) ?? Backoff(attempt), _options.TimeProvider, ct).ConfigureAwait(false);
                    continue;
                }
            }
            return response;
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    private TimeSpan Backoff(int attempt)
    {
        var ms = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        ms *= 0.8 + Random.Shared.NextDouble() * 0.4;
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.RetryMaxDelay.TotalMilliseconds));
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var delta = response.Headers.RetryAfter?.Delta;
        return delta is { } d && d <= _options.RetryMaxDelay ? d : null;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int limit, string subject, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > limit)
            throw new RegistryException(RegistryErrorKind.Protocol, $"manifest too large ({response.Content.Headers.ContentLength} bytes): {subject}");
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var memory = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (memory.Length + n > limit)
                throw new RegistryException(RegistryErrorKind.Protocol, $"manifest larger than {limit} bytes: {subject}");
            memory.Write(buffer, 0, n);
        }
        return memory.ToArray();
    }

    /// <summary>Registries that answer <c>application/json</c> get the media type from the document itself.</summary>
    private static string? SniffMediaType(byte[] content)
    {
        try
        {
            using var doc = JsonDocument.Parse(content);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String) return mt.GetString();
            if (root.TryGetProperty("manifests", out _)) return MediaTypes.OciIndex;
            if (root.TryGetProperty("config", out _)) return MediaTypes.OciManifest;
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static T Deserialize<T>(FetchedManifest manifest, string subject)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(manifest.Content)
                ?? throw new RegistryException(RegistryErrorKind.Protocol, $"empty manifest: {subject}");
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, $"invalid manifest JSON: {subject}: {e.Message}", inner: e);
        }
    }

    private static RegistryException DigestMismatch(string subject, string expected, string actual) =>
        new(RegistryErrorKind.DigestMismatch, $"digest mismatch for {subject}: expected {expected}, got {actual}");

    /// <summary>Turns an error response into a docker-style message naming what was asked for.</summary>
    private static async Task<RegistryException> ErrorAsync(HttpResponseMessage response, string subject,
        RegistryErrorKind notFound, CancellationToken ct)
    {
        string? code = null, message = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (body.Length is > 0 and < 65536)
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                    && errors.GetArrayLength() > 0)
                {
                    var first = errors[0];
                    if (first.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String) code = c.GetString();
                    if (first.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) message = m.GetString();
                }
            }
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
        }
        var status = response.StatusCode;
        return status switch
        {
            HttpStatusCode.Unauthorized => new RegistryException(RegistryErrorKind.Unauthorized,
                $"unauthorized: authentication required: {subject}", status, code),
            HttpStatusCode.Forbidden => new RegistryException(RegistryErrorKind.Denied,
                $"denied: requested access to the resource is denied: {subject}", status, code),
            HttpStatusCode.NotFound when code == "NAME_UNKNOWN" => new RegistryException(RegistryErrorKind.NameUnknown,
                $"name unknown: repository not found: {subject}", status, code),
            HttpStatusCode.NotFound when code == "BLOB_UNKNOWN" || notFound == RegistryErrorKind.BlobUnknown =>
                new RegistryException(RegistryErrorKind.BlobUnknown, $"blob unknown: {subject}", status, code),
            HttpStatusCode.NotFound => new RegistryException(notFound == RegistryErrorKind.Other ? RegistryErrorKind.Other : notFound,
                $"{(notFound == RegistryErrorKind.ManifestUnknown ? "manifest unknown" : "not found")}: {subject}", status, code),
            _ when IsTransient(status) => new RegistryException(RegistryErrorKind.Unavailable,
                $"registry {subject} unavailable: {(int)status} {message ?? response.ReasonPhrase}", status, code),
            _ => new RegistryException(RegistryErrorKind.Other,
                $"{(code is null ? ((int)status).ToString() : code.ToLowerInvariant())}: {message ?? response.ReasonPhrase}: {subject}", status, code),
        };
    }

    private sealed class FixedCredentialStore(RegistryCredential credential) : ICredentialStore
    {
        public ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => new(credential);
    }
}
