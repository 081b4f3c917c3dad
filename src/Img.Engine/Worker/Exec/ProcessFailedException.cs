namespace Img.Engine.Worker.Exec;

/// <summary>A RUN process exited non-zero; the message is BuildKit's.</summary>
public sealed class ProcessFailedException(IReadOnlyList<string> args, int exitCode)
    : Exception($"process \"{string.Join(' ', args)}\" did not complete successfully: exit code: {exitCode}")
{
    public IReadOnlyList<string> Args { get; } = args;
    public int ExitCode { get; } = exitCode;
}
