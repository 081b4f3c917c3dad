namespace Img.Cli.Progress;

/// <summary><c>--progress</c>: live updates on a terminal, or BuildKit's plain log lines.</summary>
public enum ProgressMode
{
    Auto,
    Tty,
    Plain,
    Quiet,
}
