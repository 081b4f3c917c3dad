using System.Globalization;
using System.Text.RegularExpressions;

namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// Recognising heredoc words (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>, <c>3&lt;&lt;"EOF"</c>)
/// and stripping tabs for <c>&lt;&lt;-</c>. The parser uses it to find the heredocs of a line;
/// the instruction layer uses <see cref="ParseWord"/> to tell heredoc sources from paths.
/// </summary>
public static partial class HeredocSyntax
{
    // Go's \d and \s are ASCII-only; its $ only matches at the very end.
    [GeneratedRegex(@"^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex HeredocRegex();

    [GeneratedRegex(@"^\t+", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LeadingTabsRegex();

    /// <summary>
    /// The heredoc a single word opens, with empty <see cref="Heredoc.Content"/>, or null when the
    /// word is not a heredoc. A delimiter with any quoted part disables expansion of the body.
    /// </summary>
    /// <exception cref="DockerfileParseException">The delimiter has unbalanced quotes.</exception>
    public static Heredoc? ParseWord(string word)
    {
        try
        {
            return FromWord(word);
        }
        catch (ParseFailure e)
        {
            throw new DockerfileParseException(e.Message, 0, 0);
        }
    }

    /// <summary>Removes the leading tabs of every line, as <c>&lt;&lt;-</c> asks.</summary>
    public static string ChompContent(string content) => LeadingTabsRegex().Replace(content, "");

    internal static Heredoc? FromWord(string word)
    {
        var match = HeredocRegex().Match(word);
        if (!match.Success)
            return null;
        var rest = match.Groups[3].Value;
        if (rest.Length == 0)
            return null;

        var words = HeredocWordLexer.ProcessWords(rest, rawQuotes: false, rawEscapes: false);
        if (words.Count != 1)
            return null;
        // Lexing again with the quotes kept shows whether any part of the word was quoted.
        var rawWords = HeredocWordLexer.ProcessWords(rest, rawQuotes: true, rawEscapes: false);
        if (rawWords.Count != words.Count)
            throw new ParseFailure($"internal lexing of heredoc produced inconsistent results: {rest}");

        var name = words[0];
        var expand = QuoteCount(name) == QuoteCount(rawWords[0]);
        return new Heredoc(name, FileDescriptor(match.Groups[1].Value), expand, match.Groups[2].Value == "-", "");
    }

    /// <summary>The heredocs opened on a logical line, in order.</summary>
    internal static List<Heredoc> FromLine(string line)
    {
        List<string> words;
        try
        {
            words = HeredocWordLexer.ProcessWords(line, rawQuotes: true, rawEscapes: true);
        }
        catch (ParseFailure)
        {
            // BuildKit ignores a line it cannot split: it simply has no heredocs.
            return new List<Heredoc>();
        }
        var heredocs = new List<Heredoc>();
        foreach (var word in words)
            if (FromWord(word) is { } heredoc)
                heredocs.Add(heredoc);
        return heredocs;
    }

    private static int QuoteCount(string s) => s.Count(c => c is '\'' or '"');

    // BuildKit ignores the parse error: no digits is 0, and too many saturate.
    private static int FileDescriptor(string digits)
    {
        if (digits.Length == 0)
            return 0;
        return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var fd) && fd <= int.MaxValue
            ? (int)fd
            : int.MaxValue;
    }
}
