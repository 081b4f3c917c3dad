namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// "did you mean X?" hints: the closest option by Levenshtein distance, if closer than 3 edits
/// (BuildKit's <c>util/suggest</c>). Options are tried in the order given; the first strictly
/// closer one wins, so callers pass a fixed order to keep messages deterministic.
/// </summary>
public static class Suggest
{
    public static string? Search(string value, IEnumerable<string> options, bool caseSensitive)
    {
        var val = caseSensitive ? value : value.ToLowerInvariant();
        string? match = null;
        var best = 3;
        foreach (var option in options)
        {
            var opt = caseSensitive ? option : option.ToLowerInvariant();
            if (val == opt)
                return null; // an exact match means the error is about something else
            var distance = Levenshtein(val, opt);
            if (distance < best)
            {
                match = caseSensitive ? opt : MatchCase(opt, value);
                best = distance;
            }
        }
        return match;
    }

    /// <summary><paramref name="message"/> with <c> (did you mean X?)</c> appended when a hint exists.</summary>
    public static string WithHint(string message, string value, IEnumerable<string> options, bool caseSensitive)
    {
        var match = Search(value, options, caseSensitive);
        return match is null ? message : $"{message} (did you mean {match}?)";
    }

    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static string MatchCase(string value, string original)
    {
        if (original == original.ToLowerInvariant())
            return value.ToLowerInvariant();
        if (original == original.ToUpperInvariant())
            return value.ToUpperInvariant();
        return value;
    }
}
