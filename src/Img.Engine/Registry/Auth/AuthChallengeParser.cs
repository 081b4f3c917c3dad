using System.Text;

namespace Img.Engine.Registry.Auth;

/// <summary>
/// Parses <c>WWW-Authenticate</c> values (RFC 7235): <c>Scheme k=v, k="quoted, \"value\""</c>.
/// One header value may carry several challenges; a new one starts where a token is followed by
/// a space and not by <c>=</c>.
/// </summary>
public static class AuthChallengeParser
{
    public static IReadOnlyList<AuthChallenge> Parse(IEnumerable<string> headerValues)
    {
        var result = new List<AuthChallenge>();
        foreach (var v in headerValues) result.AddRange(Parse(v));
        return result;
    }

    public static IReadOnlyList<AuthChallenge> Parse(string headerValue)
    {
        var result = new List<AuthChallenge>();
        var s = headerValue;
        var i = 0;
        string? scheme = null;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);

        void Flush()
        {
            if (scheme is not null) result.Add(new AuthChallenge(scheme, parameters));
            parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            scheme = null;
        }

        while (true)
        {
            SkipSeparators(s, ref i);
            if (i >= s.Length) break;
            var token = ReadToken(s, ref i);
            if (token.Length == 0) { i++; continue; } // stray character: skip it
            SkipSpaces(s, ref i);
            if (i < s.Length && s[i] == '=' && scheme is not null)
            {
                i++;
                SkipSpaces(s, ref i);
                var value = i < s.Length && s[i] == '"' ? ReadQuoted(s, ref i) : ReadToken(s, ref i);
                parameters[token.ToLowerInvariant()] = value;
            }
            else
            {
                Flush();
                scheme = token;
            }
        }
        Flush();
        return result;
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t')) i++;
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) i++;
    }

    private static string ReadToken(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && s[i] is not (' ' or '\t' or ',' or '=' or '"')) i++;
        return s[start..i];
    }

    private static string ReadQuoted(string s, ref int i)
    {
        var sb = new StringBuilder();
        i++; // opening quote
        while (i < s.Length && s[i] != '"')
        {
            if (s[i] == '\\' && i + 1 < s.Length) i++;
            sb.Append(s[i]);
            i++;
        }
        if (i < s.Length) i++; // closing quote
        return sb.ToString();
    }
}
