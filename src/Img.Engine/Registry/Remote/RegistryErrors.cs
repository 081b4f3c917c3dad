using System.Net;
using System.Text.Json;

namespace Img.Engine.Registry.Remote;

/// <summary>
/// Turns registry error responses into <see cref="RegistryException"/>s with docker's wording,
/// naming what was asked for (<c>manifest unknown: 127.0.0.1:5000/app:v1</c>). The distribution
/// error body (<c>{"errors":[{"code":..,"message":..}]}</c>) supplies the code when there is one.
/// </summary>
internal static class RegistryErrors
{
    public static RegistryException DigestMismatch(string subject, string expected, string actual) =>
        new(RegistryErrorKind.DigestMismatch, $"digest mismatch for {subject}: expected {expected}, got {actual}");

    /// <param name="notFound">What a bare 404 means for this request (a manifest, a blob, a repository).</param>
    public static async Task<RegistryException> FromResponseAsync(HttpResponseMessage response, string subject,
        RegistryErrorKind notFound, CancellationToken ct)
    {
        var (code, message) = await ReadBodyAsync(response, ct).ConfigureAwait(false);
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
            _ when RetryPolicy.IsTransient(status) => new RegistryException(RegistryErrorKind.Unavailable,
                $"registry {subject} unavailable: {(int)status} {message ?? response.ReasonPhrase}", status, code),
            _ => new RegistryException(RegistryErrorKind.Other,
                $"{(code is null ? ((int)status).ToString() : code.ToLowerInvariant())}: {message ?? response.ReasonPhrase}: {subject}", status, code),
        };
    }

    /// <summary>The first error's code and message; nulls when the body is not a distribution error.</summary>
    private static async Task<(string? Code, string? Message)> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
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
        return (code, message);
    }
}
