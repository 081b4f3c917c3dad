namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// Splitting on runs of <c>[\t\v\f\r ]</c>, BuildKit's "whitespace" between instruction words
/// (narrower than Unicode spaces), with the edge cases of Go's <c>Regexp.Split</c>.
/// </summary>
internal static class Whitespace
{
    public static bool IsDelimiter(char c) => c is '\t' or '\v' or '\f' or '\r' or ' ';

    /// <param name="s">Text to split.</param>
    /// <param name="n">At most this many pieces; negative for all.</param>
    public static List<string> Split(string s, int n)
    {
        var pieces = new List<string>();
        if (n == 0)
            return pieces;
        if (s.Length == 0)
        {
            pieces.Add("");
            return pieces;
        }
        int begin = 0, end = 0, matches = 0;
        for (var i = 0; i < s.Length;)
        {
            if (!IsDelimiter(s[i]))
            {
                i++;
                continue;
            }
            var matchStart = i;
            while (i < s.Length && IsDelimiter(s[i]))
                i++;
            if (n > 0 && matches == n)
                break;
            matches++;
            if (n > 0 && pieces.Count == n - 1)
                break;
            end = matchStart;
            if (i != 0)
                pieces.Add(s[begin..end]);
            begin = i;
        }
        if (end != s.Length)
            pieces.Add(s[begin..]);
        return pieces;
    }
}
