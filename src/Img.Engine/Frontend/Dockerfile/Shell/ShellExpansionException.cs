using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>
/// Word expansion failed. <see cref="Exception.Message"/> is BuildKit's full text
/// (<c>failed to process "word": reason</c>) so users see the same error as with docker build;
/// <see cref="Reason"/> is the part after the prefix, for callers that add their own context.
/// </summary>
public sealed class ShellExpansionException : Exception
{
    public ShellExpansionException(string word, string reason)
        : base($"failed to process {GoQuote.Quote(word)}: {reason}")
    {
        Word = word;
        Reason = reason;
    }

    /// <summary>The word as it was given to the lexer.</summary>
    public string Word { get; }

    /// <summary>Why expansion failed, e.g. <c>VAR: is not allowed to be unset</c>.</summary>
    public string Reason { get; }
}
