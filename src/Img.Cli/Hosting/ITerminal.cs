namespace Img.Cli.Hosting;

/// <summary>
/// The user's terminal, for commands that ask questions (<c>img login</c>). Only present when
/// stdin is a terminal; commands that would prompt without one fail instead.
/// </summary>
public interface ITerminal
{
    /// <summary>Prints <paramref name="prompt"/> and reads one line, echoed; null at end of input.</summary>
    string? ReadLine(string prompt);

    /// <summary>Prints <paramref name="prompt"/> and reads one line without echoing it; null at end of input.</summary>
    string? ReadSecret(string prompt);
}
