namespace Img.Cli.CommandLine;

/// <summary>CLI misuse: unknown flag, missing value, wrong argument count. Docker exits 125 for flag errors.</summary>
public sealed class UsageException(string message, string? command = null, int exitCode = 125) : Exception(message)
{
    public string? Command { get; } = command;
    public int ExitCode { get; } = exitCode;

    /// <summary>
    /// Whether the command's usage line and summary follow the <c>See '... --help'.</c> line, as
    /// docker's argument-count errors (<c>cli.ExactArgs</c> and friends) print them.
    /// </summary>
    public bool ShowsUsage { get; private init; }

    /// <summary>
    /// A wrong number of arguments: exit 1 (not 125), then docker's
    /// <c>See 'docker push --help'.</c>, a blank line, <c>Usage:  ...</c> and the summary.
    /// </summary>
    public static UsageException Arguments(string message, string command) =>
        new(message, command, 1) { ShowsUsage = true };
}
