using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Img.Engine.Registry.Credentials;

namespace Img.Engine.Registry.Auth;

/// <summary>
/// Adds the Authorization header a registry wants. Lifecycle: the first request goes out
/// anonymously; its 401 teaches the challenge (<see cref="Learn"/>); from then on every request
/// gets Basic credentials or a Bearer token for the request's scopes, fetched from the realm and
/// cached in the <see cref="TokenCache"/>.
/// </summary>
internal sealed class RegistryAuthorizer
{
    private readonly RegistryEndpoint _endpoint;
    private readonly HttpClient _http;
    private readonly ICredentialStore? _credentials;
    private readonly TokenCache _tokens;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<string> _insecure;
    private volatile AuthChallenge? _challenge;

    public RegistryAuthorizer(RegistryEndpoint endpoint, HttpClient http, ICredentialStore? credentials,
        TokenCache tokens, TimeProvider time, IReadOnlyList<string> insecureRegistries)
    {
        _endpoint = endpoint;
        _http = http;
        _credentials = credentials;
        _tokens = tokens;
        _time = time;
        _insecure = insecureRegistries;
    }

    /// <summary>The challenge in force, null until the registry has asked for authentication.</summary>
    public AuthChallenge? Challenge => _challenge;

    /// <summary>Authorizes <paramref name="request"/> for <paramref name="scopes"/>; returns the token-cache key used, if any.</summary>
    public async Task<string?> AuthorizeAsync(HttpRequestMessage request, IReadOnlyList<string> scopes,
        string subject, CancellationToken ct)
    {
        var challenge = _challenge;
        if (challenge is null) return null;
        if (challenge.IsBasic)
        {
            var credential = await GetCredentialAsync(ct).ConfigureAwait(false);
            if (credential is { HasIdentityToken: false })
                request.Headers.Authorization = BasicHeader(credential);
            return null;
        }
        if (challenge.IsBearer)
        {
            var allScopes = AuthScope.Normalize(scopes.Concat(challenge.Scopes));
            var key = TokenCache.Key(_endpoint.Name, challenge.Service, allScopes);
            var token = await _tokens.GetOrFetchAsync(key,
                c => FetchTokenAsync(challenge, allScopes, subject, c), ct).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            return key;
        }
        return null;
    }

    /// <summary>
    /// Reads the challenge of a 401. Returns true when a retry can do better: the request went out
    /// without credentials (first contact, or raced with another request that learned the
    /// challenge), or with a token that must be fetched again (expired, or too narrow a scope).
    /// A rejected Basic credential is final.
    /// </summary>
    public bool Learn(HttpResponseMessage response, string? usedTokenKey, bool sentAuthorization)
    {
        var challenges = AuthChallengeParser.Parse(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        var next = challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);
        if (next is null) return false;
        var previous = _challenge;
        _challenge = next;
        if (usedTokenKey is not null)
        {
            _tokens.Invalidate(usedTokenKey);
            return true;
        }
        return !sentAuthorization || previous is null || previous.Scheme != next.Scheme || previous.Realm != next.Realm;
    }

    internal void SetChallenge(AuthChallenge challenge) => _challenge = challenge;

    private async ValueTask<RegistryCredential?> GetCredentialAsync(CancellationToken ct) =>
        _credentials is null ? null : await _credentials.GetAsync(_endpoint.Name, ct).ConfigureAwait(false);

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    /// <summary>
    /// Asks the token service (the challenge's realm) for a token: GET with Basic credentials or
    /// anonymously, or an OAuth2 refresh-token POST when the user logged in with an identity token.
    /// </summary>
    internal async Task<BearerToken> FetchTokenAsync(AuthChallenge challenge, IReadOnlyList<string> scopes,
        string subject, CancellationToken ct)
    {
        if (challenge.Realm is not { } realmText || !Uri.TryCreate(realmText, UriKind.Absolute, out var realm)
            || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
            throw new RegistryException(RegistryErrorKind.Protocol,
                $"registry {_endpoint.Name} sent a Bearer challenge without a usable realm");
        var credential = await GetCredentialAsync(ct).ConfigureAwait(false);
        if (credential is not null && realm.Scheme == Uri.UriSchemeHttp && !RealmMayReceiveSecrets(realm))
            throw new RegistryException(RegistryErrorKind.Protocol,
                $"refusing to send credentials for {_endpoint.Name} to plain-HTTP token realm {realm.GetLeftPart(UriPartial.Path)}");

        using var request = credential is { HasIdentityToken: true }
            ? RefreshTokenRequest(realm, challenge.Service, scopes, credential.IdentityToken!)
            : GetTokenRequest(realm, challenge.Service, scopes, credential);
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new RegistryException(RegistryErrorKind.Unauthorized,
                $"unauthorized: authentication required: {subject}", response.StatusCode);
        if (response.StatusCode == HttpStatusCode.Forbidden)
            throw new RegistryException(RegistryErrorKind.Denied,
                $"denied: requested access to the resource is denied: {subject}", response.StatusCode);
        if (!response.IsSuccessStatusCode)
            throw new RegistryException((int)response.StatusCode >= 500 ? RegistryErrorKind.Unavailable : RegistryErrorKind.Other,
                $"token service {realm.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} for {subject}",
                response.StatusCode);
        return ParseTokenResponse(body, _time.GetUtcNow());
    }

    /// <summary>Secrets go over plain HTTP only where images may too: loopback and insecure registries.</summary>
    private bool RealmMayReceiveSecrets(Uri realm) =>
        RegistryEndpoint.MayUsePlainHttp($"{realm.Host}:{realm.Port}", _insecure);

    private static HttpRequestMessage GetTokenRequest(Uri realm, string? service, IReadOnlyList<string> scopes,
        RegistryCredential? credential)
    {
        var query = new StringBuilder(realm.Query.TrimStart('?'));
        void Add(string k, string v)
        {
            if (query.Length > 0) query.Append('&');
            query.Append(k).Append('=').Append(Uri.EscapeDataString(v));
        }
        if (!string.IsNullOrEmpty(service)) Add("service", service);
        foreach (var s in scopes) Add("scope", s);
        if (credential is not null && !string.IsNullOrEmpty(credential.Username)) Add("account", credential.Username);
        var uri = new UriBuilder(realm) { Query = query.ToString() }.Uri;
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (credential is { HasIdentityToken: false })
            request.Headers.Authorization = BasicHeader(credential);
        return request;
    }

    private static HttpRequestMessage RefreshTokenRequest(Uri realm, string? service, IReadOnlyList<string> scopes, string identityToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", identityToken),
            new("client_id", "img"),
        };
        if (!string.IsNullOrEmpty(service)) form.Add(new("service", service));
        if (scopes.Count > 0) form.Add(new("scope", string.Join(' ', scopes)));
        return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
    }

    /// <summary>Docker's token services use <c>token</c>, OAuth2 ones <c>access_token</c>; lifetimes under 60 s count as 60 s.</summary>
    internal static BearerToken ParseTokenResponse(string body, DateTimeOffset now)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            throw new RegistryException(RegistryErrorKind.Protocol, "token service returned invalid JSON", inner: e);
        }
        string? token = null;
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String) token = t.GetString();
            if (string.IsNullOrEmpty(token) && root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String)
                token = a.GetString();
        }
        if (string.IsNullOrEmpty(token))
            throw new RegistryException(RegistryErrorKind.Protocol, "token service returned no token");
        var lifetime = 60L;
        if (root.TryGetProperty("expires_in", out var e2) && e2.ValueKind == JsonValueKind.Number && e2.TryGetInt64(out var secs))
            lifetime = Math.Max(secs, 60);
        var issued = now;
        if (root.TryGetProperty("issued_at", out var i) && i.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(i.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
            && parsed <= now)
            issued = parsed;
        return new BearerToken(token, issued.AddSeconds(lifetime));
    }
}
