using System.Net;
using System.Net.Security;
using Img.Engine.Registry.Auth;
using Img.Engine.Registry.Tls;

namespace Img.Engine.Registry.Remote;

/// <summary>
/// The HTTP side of one registry, shared by the resolver, fetchers and pushers: it owns the
/// <see cref="HttpClient"/> and the <see cref="RegistryAuthorizer"/>, builds API URIs and subjects,
/// and sends requests with authentication (one more round after a 401 that taught something new)
/// and bounded retries of idempotent requests (see <see cref="RetryPolicy"/>). TLS follows the
/// registry's certs.d directory (<see cref="HostCertificates"/>, <see cref="RegistryCertificateValidator"/>);
/// an insecure endpoint whose server does not speak TLS drops to plain HTTP once, for good.
/// </summary>
internal sealed class RegistryTransport : IDisposable
{
    private readonly bool _ownsHttp;
    private readonly RegistryCertificateValidator? _validator;
    private volatile RegistryEndpoint _endpoint;

    /// <exception cref="RegistryException">The registry's certs.d directory is incomplete or unreadable.</exception>
    public RegistryTransport(RegistryEndpoint endpoint, RegistryClientOptions options)
    {
        _endpoint = endpoint;
        Options = options;
        Retry = new RetryPolicy(options);
        if (options.Handler is { } handler)
        {
            Http = new HttpClient(handler, disposeHandler: false);
        }
        else
        {
            var certificates = HostCertificates.Load(options.CertsDirectory, endpoint.Name);
            _validator = new RegistryCertificateValidator(endpoint, certificates);
            var tls = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = _validator.Validate };
            if (certificates is { ClientCertificates.Count: > 0 })
            {
                tls.ClientCertificates = certificates.ClientCertificates;
                // Offer the first pair even when the server names no acceptable issuers, as Go does.
                tls.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificates.ClientCertificates[0];
            }
            Http = new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = true, // blob GETs redirect to storage; Authorization is not forwarded
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                SslOptions = tls,
            });
            _ownsHttp = true;
        }
        Http.Timeout = Timeout.InfiniteTimeSpan; // big blobs; callers cancel through the token
        Http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        Authorizer = new RegistryAuthorizer(endpoint, Http, options.Credentials,
            options.TokenCache ?? new TokenCache(options.TimeProvider), options.TimeProvider, options.InsecureRegistries);
    }

    /// <summary>The endpoint in use: the resolved one, or its plain-HTTP twin after a fallback.</summary>
    public RegistryEndpoint Endpoint => _endpoint;
    public RegistryClientOptions Options { get; }
    public RetryPolicy Retry { get; }
    public HttpClient Http { get; }
    public RegistryAuthorizer Authorizer { get; }

    /// <summary>Tags cannot contain a colon, so a reference with one is meant as a digest (and must parse as one).</summary>
    public static bool IsDigestReference(string reference) => reference.Contains(':');

    public Uri ApiUri(string relative) => new(Endpoint.BaseUri, relative);

    /// <summary>What error messages name: <c>registry/repository:tag</c> or <c>registry/repository@digest</c>.</summary>
    public string Subject(string repository, string reference) =>
        IsDigestReference(reference) ? $"{Endpoint.Name}/{repository}@{reference}" : $"{Endpoint.Name}/{repository}:{reference}";

    /// <summary>Sends with authentication: one extra round after a 401 that taught something new.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, IReadOnlyList<string> scopes,
        string subject, bool idempotent, CancellationToken ct)
    {
        for (var authRound = 0; ; authRound++)
        {
            string? tokenKey = null;
            var sentAuthorization = false;
            var response = await SendRawAsync(create, idempotent, ct, async r =>
            {
                tokenKey = await Authorizer.AuthorizeAsync(r, scopes, subject, ct).ConfigureAwait(false);
                sentAuthorization = r.Headers.Authorization is not null;
            }).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || authRound >= 2) return response;
            if (!Authorizer.Learn(response, tokenKey, sentAuthorization)) return response;
            response.Dispose();
        }
    }

    /// <summary>Sends with bounded retries on network errors and 5xx (idempotent requests only).</summary>
    public async Task<HttpResponseMessage> SendRawAsync(Func<HttpRequestMessage> create, bool idempotent,
        CancellationToken ct, Func<HttpRequestMessage, Task>? prepare = null)
    {
        var attempts = idempotent ? Retry.MaxAttempts : 1;
        var fellBack = false; // once per request: a URI that stays https (an upload Location) must not loop
        for (var attempt = 1; ; attempt++)
        {
            using var request = create();
            if (prepare is not null) await prepare(request).ConfigureAwait(false);
            HttpResponseMessage response;
            try
            {
                response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (_validator is not null && RegistryTlsFailure.Matches(e))
            {
                // Not transient: a certificate is as untrusted on the next try. (With a caller's
                // handler, as cluster peers pass, TLS is the caller's and failures stay Unavailable.)
                if (fellBack || !FallBackToPlainHttp(request)) throw TlsFailure(request, e);
                fellBack = true;
                attempt--;
                continue;
            }
            catch (HttpRequestException e)
            {
                if (attempt >= attempts)
                    throw new RegistryException(RegistryErrorKind.Unavailable,
                        $"cannot reach registry {Endpoint.Name} ({request.Method} {request.RequestUri?.AbsolutePath}): {e.Message}", inner: e);
                await Retry.DelayAsync(Retry.Backoff(attempt), ct).ConfigureAwait(false);
                continue;
            }
            if (RetryPolicy.IsTransient(response.StatusCode) && attempt < attempts)
            {
                response.Dispose();
                await Retry.DelayAsync(Retry.RetryAfter(response) ?? Retry.Backoff(attempt), ct).ConfigureAwait(false);
                continue;
            }
            return response;
        }
    }

    /// <summary>
    /// Docker's insecure-registry fallback: the TLS handshake failed against a server that may not
    /// speak TLS at all, so the rest of this client's requests use plain HTTP. True when the request
    /// is worth sending again: this call switched, or a parallel request already had.
    /// </summary>
    private bool FallBackToPlainHttp(HttpRequestMessage failed)
    {
        var endpoint = _endpoint;
        if (!endpoint.Insecure || failed.RequestUri is not { } uri || uri.Scheme != Uri.UriSchemeHttps
            || !string.Equals(uri.Authority, endpoint.BaseUri.Authority, StringComparison.OrdinalIgnoreCase))
            return false;
        if (!endpoint.IsPlainHttp) _endpoint = endpoint.AsPlainHttp();
        return true;
    }

    private RegistryException TlsFailure(HttpRequestMessage request, HttpRequestException e) =>
        RegistryTlsFailure.Create(request, _endpoint, _validator?.LastFailure, Options.CertsDirectory, e);

    public void Dispose()
    {
        if (_ownsHttp) Http.Dispose();
    }
}
