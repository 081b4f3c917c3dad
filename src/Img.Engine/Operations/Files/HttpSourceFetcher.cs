using System.Security.Cryptography;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Native;

namespace Img.Engine.Operations.Files;

/// <summary>
/// Materialises an HTTP <see cref="SourceOp"/> (ADD of a URL) as BuildKit's http source does:
/// one file in a directory, named by the op's <see cref="SourceOp.Filename"/> (else the
/// Content-Disposition filename, else the URL's last path segment, else <c>download</c>), mode
/// 0600, owned by the process (root), mtime from <c>Last-Modified</c> or the Unix epoch. With
/// <see cref="SourceOp.Checksum"/> (<c>ADD --checksum</c>), a different sha256 is an error and
/// nothing is left behind. Statuses outside 200-399 are errors. The directory is then given to
/// <see cref="FileOpRunner"/> as the copy's <see cref="FileInputSource"/>.
/// </summary>
public static class HttpSourceFetcher
{
    private const string DefaultName = "download";
    private static readonly HttpClient SharedClient = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <inheritdoc cref="FetchAsync(SourceOp, string, HttpClient, CancellationToken)"/>
    public static Task<FetchedHttpFile> FetchAsync(SourceOp http, string destDir, CancellationToken ct) =>
        FetchAsync(http, destDir, SharedClient, ct);

    /// <summary>Downloads <paramref name="http"/> into <paramref name="destDir"/> (created if missing).</summary>
    /// <exception cref="FileOpException">Bad status, transfer failure, or digest mismatch.</exception>
    public static async Task<FetchedHttpFile> FetchAsync(SourceOp http, string destDir, HttpClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(destDir);
        ArgumentNullException.ThrowIfNull(client);
        if (http.SourceKind != SourceKind.Http) throw new ArgumentException($"not an http source: {http.SourceKind}", nameof(http));

        Directory.CreateDirectory(destDir);
        string temp = Path.Combine(destDir, ".img-download-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var response = await client.GetAsync(http.Identifier, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status < 200 || status >= 400) throw new FileOpException($"invalid response status {status}");
            string name = FileName(http, response);

            Digest digest;
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Options = FileOptions.Asynchronous,
            };
            await using (var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
            await using (var file = new FileStream(temp, options))
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int n;
                while ((n = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                }
                digest = Digest.FromSha256Bytes(sha.GetHashAndReset());
            }

            if (http.Checksum.Length > 0 && !string.Equals(digest.ToString(), http.Checksum, StringComparison.Ordinal))
                throw new FileOpException($"digest mismatch for {http.Identifier}: {digest} (expected: {http.Checksum})");

            Posix.Chmod(temp, 0x180 /* 0600 */);
            DateTimeOffset? lastModified = response.Content.Headers.LastModified;
            DirectoryMaker.SetTime(temp, lastModified ?? DateTimeOffset.UnixEpoch);
            string path = Path.Combine(destDir, name);
            File.Move(temp, path, overwrite: true);
            return new FetchedHttpFile(path, name, digest, lastModified);
        }
        catch (HttpRequestException e)
        {
            throw new FileOpException($"failed to fetch {http.Identifier}: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>BuildKit's choice of name, made safe (a base name, no control characters).</summary>
    internal static string FileName(SourceOp http, HttpResponseMessage? response)
    {
        if (http.Filename.Length > 0) return Safe(http.Filename);
        var disposition = response?.Content.Headers.ContentDisposition;
        string? suggested = disposition?.FileNameStar ?? disposition?.FileName;
        if (suggested is not null)
        {
            suggested = suggested.Trim('"');
            if (suggested.Length > 0 && !suggested.EndsWith('/')) return Safe(suggested);
        }
        if (Uri.TryCreate(http.Identifier, UriKind.Absolute, out var uri))
        {
            string path = uri.AbsolutePath.TrimEnd('/');
            string last = path[(path.LastIndexOf('/') + 1)..];
            if (last.Length > 0 && last != ".") return Safe(Uri.UnescapeDataString(last));
        }
        return DefaultName;
    }

    private static string Safe(string name)
    {
        string trimmed = name.Trim().TrimEnd('/');
        string last = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        if (last.Length == 0 || last is "." or ".." || last.Any(char.IsControl)) return DefaultName;
        return last;
    }
}
