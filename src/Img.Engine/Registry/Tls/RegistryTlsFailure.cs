using System.Security.Authentication;
using System.Text.RegularExpressions;

namespace Img.Engine.Registry.Tls;

/// <summary>
/// The message for a TLS handshake that failed, in docker's shape
/// (<c>Get "https://HOST/v2/": tls: failed to verify certificate: x509: ...</c>), with where the
/// fix goes: the registry's certs.d directory.
/// </summary>
internal static partial class RegistryTlsFailure
{
    /// <summary>
    /// True for a failed handshake, and for a TLS alert the server sent right after it: with TLS 1.3
    /// a refused client certificate surfaces on the first read, not in the handshake.
    /// </summary>
    public static bool Matches(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.SecureConnectionError
        || Chain(e).Any(x => x is AuthenticationException || Alert(x) is not null);

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }

    /// <summary>OpenSSL's "sslv3 alert bad certificate" as Go says it: "remote error: tls: bad certificate".</summary>
    private static string? Alert(Exception e) =>
        AlertPattern().Match(e.Message) is { Success: true } m ? $"remote error: tls: {m.Groups[1].Value}" : null;

    [GeneratedRegex(@"(?:ssl|tls)v\d+ alert ([a-z ]+)$")]
    private static partial Regex AlertPattern();

    public static RegistryException Create(HttpRequestMessage request, RegistryEndpoint endpoint, string? verificationFailure,
        string? certsRoot, HttpRequestException error)
    {
        var method = request.Method.Method;
        var head = $"{char.ToUpperInvariant(method[0])}{method[1..].ToLowerInvariant()} \"{request.RequestUri}\"";
        var directory = certsRoot is null ? null : CertsDirectory.HostDirectory(certsRoot, endpoint.Name);
        var message = verificationFailure is not null
            ? $"{head}: tls: failed to verify certificate: {verificationFailure}"
              + (directory is null ? "" : $" (trust the registry's CA by putting it in {Path.Combine(directory, "ca.crt")})")
            : $"{head}: tls: handshake with {endpoint.Name} failed: {Chain(error).Select(Alert).FirstOrDefault(a => a is not null) ?? Innermost(error).Message}"
              + (directory is null ? "" : $" (a registry that requires a client certificate needs {Path.Combine(directory, "client.cert")} and client.key)");
        return new RegistryException(RegistryErrorKind.Tls, message, inner: error);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
