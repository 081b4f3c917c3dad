namespace Img.Cli.CommandLine;

/// <summary>CLI misuse: unknown flag, missing value, wrong argument count. Docker exits 125 for flag errors.</summary>
public sealed class UsageException(string message, string? command = null, int exitCode = 125) : Exception(message)
{
    public string? Command { get; } = command;
    public int ExitCode { get; } = exitCode;
}
