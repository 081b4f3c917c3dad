using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// A minimal registry token service (the <c>auth.token</c> realm of distribution) on
/// 127.0.0.1. It issues ES256 JWTs whose header carries the signing certificate in <c>x5c</c>;
/// the registry trusts that self-signed certificate through <c>rootcertbundle</c>. Known users
/// get every action they ask for; anonymous callers get only <c>pull</c>; a wrong password is
/// 401. A refresh-token POST with <see cref="IdentityToken"/> counts as the known user.
/// </summary>
public sealed class TokenService : IAsyncDisposable
{
    public const string Service = "img-test-registry";
    public const string Issuer = "img-test-issuer";

    private readonly HttpListener _listener = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public TokenService(string username, string password, string identityToken)
    {
        Username = username;
        Password = password;
        IdentityToken = identityToken;
        var request = new CertificateRequest("CN=img test token issuer", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2));
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Username { get; }
    public string Password { get; }
    public string IdentityToken { get; }
    public int Port { get; }
    public string Realm => $"http://127.0.0.1:{Port}/token";
    /// <summary>Lifetime written into tokens and <c>expires_in</c>.</summary>
    public int ExpiresInSeconds { get; set; } = 300;

    /// <summary>Every token request served, in order.</summary>
    public ConcurrentQueue<TokenRequest> Requests { get; } = new();

    /// <summary>The certificate bundle the registry's <c>rootcertbundle</c> points at.</summary>
    public string RootCertificatePem => _certificate.ExportCertificatePem();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => Serve(context));
        }
    }

    private void Serve(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            string? user = null;
            var fromRefresh = false;
            string[] scopes;
            if (request.HttpMethod == "POST")
            {
                using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
                var form = ParseForm(reader.ReadToEnd());
                scopes = (form.GetValueOrDefault("scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (form.GetValueOrDefault("grant_type") != "refresh_token" || form.GetValueOrDefault("refresh_token") != IdentityToken)
                {
                    Requests.Enqueue(new TokenRequest("POST", null, scopes, Rejected: true));
                    Reply(response, 401, """{"details":"invalid refresh token"}""");
                    return;
                }
                user = Username;
                fromRefresh = true;
            }
            else
            {
                scopes = (request.QueryString.GetValues("scope") ?? [])
                    .SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
                var header = request.Headers["Authorization"];
                if (header is not null && header.StartsWith("Basic ", StringComparison.Ordinal))
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
                    var colon = decoded.IndexOf(':');
                    if (colon < 0 || decoded[..colon] != Username || decoded[(colon + 1)..] != Password)
                    {
                        Requests.Enqueue(new TokenRequest("GET", colon < 0 ? decoded : decoded[..colon], scopes, Rejected: true));
                        Reply(response, 401, """{"details":"incorrect username or password"}""");
                        return;
                    }
                    user = Username;
                }
            }
            Requests.Enqueue(new TokenRequest(request.HttpMethod, user, scopes, Rejected: false));
            var token = Issue(user, scopes);
            var now = DateTimeOffset.UtcNow;
            var body = JsonSerializer.Serialize(fromRefresh
                ? new Dictionary<string, object> { ["access_token"] = token, ["expires_in"] = ExpiresInSeconds, ["issued_at"] = now.ToString("O") }
                : new Dictionary<string, object> { ["token"] = token, ["expires_in"] = ExpiresInSeconds, ["issued_at"] = now.ToString("O") });
            Reply(response, 200, body);
        }
        catch (Exception e)
        {
            try { Reply(response, 500, JsonSerializer.Serialize(new { details = e.Message })); }
            catch (Exception) { /* connection gone */ }
        }
    }

    private string Issue(string? user, IEnumerable<string> scopes)
    {
        var access = new List<object>();
        foreach (var scope in scopes)
        {
            var first = scope.IndexOf(':');
            var last = scope.LastIndexOf(':');
            if (first <= 0 || last == first) continue;
            var actions = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Where(a => user is not null || a == "pull").ToArray();
            access.Add(new { type = scope[..first], name = scope[(first + 1)..last], actions });
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new { typ = "JWT", alg = "ES256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } };
        var claims = new
        {
            iss = Issuer,
            sub = user ?? "",
            aud = Service,
            exp = now + ExpiresInSeconds,
            nbf = now - 10,
            iat = now,
            jti = Guid.NewGuid().ToString("N"),
            access,
        };
        var signingInput = $"{B64(JsonSerializer.SerializeToUtf8Bytes(header))}.{B64(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{B64(signature)}";
    }

    private static string B64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Dictionary<string, string> ParseForm(string body) =>
        body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')),
                p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");

    private static void Reply(HttpListenerResponse response, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }

    public override string ToString() => $"token service on 127.0.0.1:{Port}";

    public async ValueTask DisposeAsync()
    {
        var teardown = new Teardown();
        teardown.Run("cancel", _stop.Cancel);
        teardown.Run("close listener", () =>
        {
            try
            {
                _listener.Close();
            }
            catch (HttpListenerException)
            {
                // thrown for a request still being answered; the listening socket is closed already
            }
        });
        await teardown.RunAsync("end the accept loop", () => _loop.WaitAsync(TimeSpan.FromSeconds(5)));
        teardown.Run("dispose keys", () =>
        {
            _certificate.Dispose();
            _key.Dispose();
            _stop.Dispose();
        });
        teardown.ThrowIfFailed(ToString());
    }
}
