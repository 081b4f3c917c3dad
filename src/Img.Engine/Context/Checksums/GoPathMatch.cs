using System.Text;
using Img.Engine.Context.Ignore;

namespace Img.Engine.Context.Checksums;

/// <summary>
/// Go's <c>path.Match</c>, the matcher COPY sources use: <c>*</c> is any run of non-<c>/</c>
/// characters, <c>?</c> one non-<c>/</c> character, <c>[...]</c> / <c>[^...]</c> a class,
/// <c>\</c> escapes. There is no <c>**</c>: it means the same as <c>*</c>.
/// </summary>
internal static class GoPathMatch
{
    /// <summary>True when the name contains an unescaped <c>*</c>, <c>?</c> or <c>[</c>.</summary>
    public static bool ContainsWildcards(string name)
    {
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c == '\\') i++;
            else if (c is '*' or '?' or '[') return true;
        }
        return false;
    }

    /// <summary>Whether the pattern is well-formed (Go's <c>ErrBadPattern</c> otherwise).</summary>
    public static bool IsValid(string pattern) => GoGlobSyntax.IsValid(pattern);

    /// <summary>Matches a whole name; the pattern must be <see cref="IsValid"/>.</summary>
    public static bool Match(string pattern, string name)
    {
        var pat = pattern.AsSpan();
        var rest = name.AsSpan();
        while (pat.Length > 0)
        {
            bool star = false;
            while (pat.Length > 0 && pat[0] == '*')
            {
                pat = pat[1..];
                star = true;
            }
            int end = GoGlobSyntax.ChunkEnd(pat);
            var chunk = pat[..end];
            pat = pat[end..];
            if (star && chunk.Length == 0)
            {
                return !rest.Contains('/');
            }
            if (MatchChunk(chunk, rest, out int used) && (used == rest.Length || pat.Length > 0))
            {
                rest = rest[used..];
                continue;
            }
            bool found = false;
            if (star)
            {
                for (int i = 0; i < rest.Length && rest[i] != '/'; i++)
                {
                    var tail = rest[(i + 1)..];
                    if (MatchChunk(chunk, tail, out used))
                    {
                        if (pat.Length == 0 && used != tail.Length) continue;
                        rest = tail[used..];
                        found = true;
                        break;
                    }
                }
            }
            if (!found) return false;
        }
        return rest.Length == 0;
    }

    // Matches the chunk at the start of s; used = characters of s consumed.
    private static bool MatchChunk(ReadOnlySpan<char> chunk, ReadOnlySpan<char> s, out int used)
    {
        int start = s.Length;
        used = 0;
        while (chunk.Length > 0)
        {
            if (s.Length == 0) return false;
            switch (chunk[0])
            {
                case '[':
                {
                    Rune.DecodeFromUtf16(s, out var r, out int n);
                    s = s[n..];
                    chunk = chunk[1..];
                    bool negated = chunk.Length > 0 && chunk[0] == '^';
                    if (negated) chunk = chunk[1..];
                    bool match = false;
                    int ranges = 0;
                    while (true)
                    {
                        if (chunk.Length > 0 && chunk[0] == ']' && ranges > 0)
                        {
                            chunk = chunk[1..];
                            break;
                        }
                        var lo = ReadClassChar(ref chunk);
                        var hi = lo;
                        if (chunk.Length > 0 && chunk[0] == '-')
                        {
                            chunk = chunk[1..];
                            hi = ReadClassChar(ref chunk);
                        }
                        if (lo <= r && r <= hi) match = true;
                        ranges++;
                    }
                    if (match == negated) return false;
                    break;
                }
                case '?':
                {
                    if (s[0] == '/') return false;
                    Rune.DecodeFromUtf16(s, out _, out int n);
                    s = s[n..];
                    chunk = chunk[1..];
                    break;
                }
                case '\\':
                    chunk = chunk[1..];
                    if (chunk[0] != s[0]) return false;
                    s = s[1..];
                    chunk = chunk[1..];
                    break;
                default:
                    if (chunk[0] != s[0]) return false;
                    s = s[1..];
                    chunk = chunk[1..];
                    break;
            }
        }
        used = start - s.Length;
        return true;
    }

    private static Rune ReadClassChar(ref ReadOnlySpan<char> chunk)
    {
        if (chunk.Length > 0 && chunk[0] == '\\') chunk = chunk[1..];
        Rune.DecodeFromUtf16(chunk, out var r, out int n);
        chunk = chunk[n..];
        return r;
    }
}
