using System.Text;

namespace Img.Engine.Transfer.Serving;

/// <summary>
/// The request line and header fields of one HTTP/1.x request, parsed strictly: CRLF line ends,
/// a three-part request line, an origin-form target, token field names with no space before the
/// colon, no obsolete line folding. Anything else is a malformed request (400).
/// </summary>
internal sealed record HttpRequestHead(string Method, string Target, string Version, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The target's path, percent-decoded, without the query.</summary>
    public string Path
    {
        get
        {
            var query = Target.IndexOf('?');
            var path = query < 0 ? Target : Target[..query];
            return path.Contains('%') ? Uri.UnescapeDataString(path) : path;
        }
    }

    /// <summary>True when the client wants the connection kept open after this request (HTTP/1.1 default).</summary>
    public bool KeepAlive =>
        Version == "HTTP/1.1"
            ? !HasToken("Connection", "close")
            : HasToken("Connection", "keep-alive");

    /// <summary>True when the request announces a body, which this server never reads.</summary>
    public bool HasBody =>
        Headers.ContainsKey("Transfer-Encoding") ||
        (Headers.TryGetValue("Content-Length", out var length) && length.Trim() != "0");

    /// <summary>Parses a head (without its terminating empty line); returns null and a reason when it is malformed.</summary>
    public static HttpRequestHead? Parse(ReadOnlySpan<byte> head, out string? error)
    {
        error = null;
        foreach (var b in head)
        {
            // Bytes outside printable ASCII and tabs have no business in the head of a blob GET.
            if (b is not ((>= 0x20 and < 0x7f) or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                error = "non-ASCII byte in the request head";
                return null;
            }
        }
        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        if (lines.Any(l => l.Contains('\n') || l.Contains('\r')))
        {
            error = "bare CR or LF in the request head";
            return null;
        }
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[0].All(IsTokenChar))
        {
            error = "malformed request line";
            return null;
        }
        if (parts[2] is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            error = $"unsupported protocol version {parts[2]}";
            return null;
        }
        if (!parts[1].StartsWith('/'))
        {
            error = "the request target must be an absolute path";
            return null;
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || !line.AsSpan(0, colon).ToString().All(IsTokenChar))
            {
                error = "malformed header field";
                return null;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }
        if (parts[2] == "HTTP/1.1" && !headers.ContainsKey("Host"))
        {
            error = "HTTP/1.1 request without Host";
            return null;
        }
        if (headers.TryGetValue("Content-Length", out var contentLength) && !long.TryParse(contentLength, out _))
        {
            error = "invalid Content-Length";
            return null;
        }
        return new HttpRequestHead(parts[0], parts[1], parts[2], headers);
    }

    private bool HasToken(string header, string token) =>
        Headers.TryGetValue(header, out var value) &&
        value.Split(',').Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
