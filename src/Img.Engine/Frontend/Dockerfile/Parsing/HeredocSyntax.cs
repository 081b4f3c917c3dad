using System.Globalization;
using System.Text.RegularExpressions;
using Img.Engine.Frontend.Dockerfile.Shell;

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

    // BuildKit splits with its shell lexer (escape always \, no environment, unset variables
    // left as written), once per option set: quotes dropped, quotes kept, quotes and escapes kept.
    private static readonly ShellLexer WordLexer = new('\\') { SkipUnsetEnv = true };
    private static readonly ShellLexer RawQuotesLexer = new('\\') { SkipUnsetEnv = true, RawQuotes = true };
    private static readonly ShellLexer LineLexer = new('\\') { SkipUnsetEnv = true, RawQuotes = true, RawEscapes = true };

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

        var words = SplitWords(WordLexer, rest);
        if (words.Count != 1)
            return null;
        // Lexing again with the quotes kept shows whether any part of the word was quoted.
        var rawWords = SplitWords(RawQuotesLexer, rest);
        if (rawWords.Count != words.Count)
            throw new ParseFailure($"internal lexing of heredoc produced inconsistent results: {rest}");

        var name = words[0];
        var expand = QuoteCount(name) == QuoteCount(rawWords[0]);
        return new Heredoc(name, FileDescriptor(match.Groups[1].Value), expand, match.Groups[2].Value == "-", "");
    }

    /// <summary>The heredocs opened on a logical line, in order.</summary>
    internal static List<Heredoc> FromLine(string line)
    {
        IReadOnlyList<string> words;
        try
        {
            words = SplitWords(LineLexer, line);
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

    /// <exception cref="ParseFailure">Unbalanced quotes or a malformed <c>${...}</c>.</exception>
    private static IReadOnlyList<string> SplitWords(ShellLexer lexer, string text)
    {
        try
        {
            return lexer.ProcessWords(text, DictionaryShellEnvironment.Empty);
        }
        catch (ShellExpansionException e)
        {
            throw new ParseFailure(e.Message);
        }
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
