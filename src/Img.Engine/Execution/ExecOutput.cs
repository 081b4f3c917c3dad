namespace Img.Engine.Execution;

/// <summary>Where a container's output goes, one line at a time (without the newline; a final unterminated line is delivered too).</summary>
public sealed record ExecOutput(Action<string>? Stdout, Action<string>? Stderr)
{
    public static readonly ExecOutput Discard = new(null, null);
}
