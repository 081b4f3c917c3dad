using System.Collections.ObjectModel;

namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>
/// Dockerfile word expansion, matching BuildKit's <c>frontend/dockerfile/shell</c> Lex: quotes,
/// escapes, <c>$VAR</c>, <c>${VAR}</c> and the <c>${VAR...}</c> modifiers
/// (<c>:-</c> <c>-</c> <c>:+</c> <c>+</c> <c>:?</c> <c>?</c> <c>#</c> <c>##</c> <c>%</c> <c>%%</c>
/// <c>/</c> <c>//</c>). It is not a shell: nothing is executed, there is no globbing and no
/// command substitution.
/// </summary>
/// <remarks>
/// Instances are immutable and may be shared between threads. Where BuildKit flips options on one
/// Lex between calls (the parser does), create one lexer per option set instead.
/// <list type="bullet">
/// <item><see cref="ProcessWord"/>: most instructions (ADD, COPY, ENV, LABEL, WORKDIR, USER, FROM...).</item>
/// <item><see cref="ProcessWords"/>: EXPOSE (one argument may expand to several ports), and the
/// parser when it looks for heredoc markers.</item>
/// <item><see cref="ProcessWordWithMatches"/>: FROM/ARG/platform expansion, where the names that
/// were found or missing feed build-arg checks and lint rules.</item>
/// </list>
/// </remarks>
public sealed class ShellLexer
{
    private static readonly IReadOnlySet<string> NoNames = new ReadOnlySet<string>(new HashSet<string>());

    /// <param name="escapeToken">The Dockerfile escape character: <c>\</c> (default) or <c>`</c>
    /// (set with the <c># escape=`</c> directive).</param>
    public ShellLexer(char escapeToken = '\\')
    {
        if (escapeToken is not ('\\' or '`'))
        {
            throw new ArgumentOutOfRangeException(nameof(escapeToken), escapeToken, "the escape token must be '\\' or '`'");
        }
        EscapeToken = escapeToken;
    }

    public char EscapeToken { get; }

    /// <summary>Keep the quote characters in the output (the quoted text is still not split or expanded).</summary>
    public bool RawQuotes { get; init; }

    /// <summary>Keep escape characters in the output (the escaped character still loses its meaning).</summary>
    public bool RawEscapes { get; init; }

    /// <summary>Treat quotes as ordinary characters.</summary>
    public bool SkipProcessQuotes { get; init; }

    /// <summary>Leave references to unset variables as written (<c>$X</c>, <c>${X:-d}</c>)
    /// instead of expanding them; used to expand only what is known now and the rest later.</summary>
    public bool SkipUnsetEnv { get; init; }

    /// <summary>Expands <paramref name="word"/> into one string; unquoted whitespace is kept.</summary>
    /// <exception cref="ShellExpansionException">Unterminated quote or <c>${</c>, bad substitution,
    /// <c>${VAR?}</c> on an unset variable, an invalid pattern.</exception>
    public string ProcessWord(string word, IShellEnvironment env) => Process(word, env, capture: true).Result;

    /// <summary>
    /// Expands <paramref name="word"/> and splits the result into words on whitespace that was
    /// neither quoted nor escaped (whitespace that came from a variable splits too).
    /// </summary>
    /// <exception cref="ShellExpansionException">As for <see cref="ProcessWord"/>.</exception>
    public IReadOnlyList<string> ProcessWords(string word, IShellEnvironment env) => Process(word, env, capture: false).Words;

    /// <summary>
    /// Like <see cref="ProcessWord"/>, also reporting which variable names were looked up and found
    /// (<see cref="ShellExpansion.Matched"/>) or not found (<see cref="ShellExpansion.Unmatched"/>).
    /// </summary>
    /// <exception cref="ShellExpansionException">As for <see cref="ProcessWord"/>.</exception>
    public ShellExpansion ProcessWordWithMatches(string word, IShellEnvironment env) => Process(word, env, capture: true);

    private ShellExpansion Process(string word, IShellEnvironment env, bool capture)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(env);
        var processor = new ShellWordProcessor(word, this, env, capture);
        try
        {
            var (result, words) = processor.Process();
            return new ShellExpansion(
                result,
                words.AsReadOnly(),
                capture ? new ReadOnlySet<string>(processor.Matched) : NoNames,
                capture ? new ReadOnlySet<string>(processor.Unmatched) : NoNames);
        }
        catch (ExpansionFailure failure)
        {
            throw new ShellExpansionException(word, failure.Reason);
        }
    }
}
