namespace Img.Cli.Progress;

/// <summary>What happened to a vertex; the plain display prints one line per update.</summary>
public enum ProgressUpdateKind
{
    Started,
    Log,
    Status,
    Cached,
    Done,
    Failed,
    Canceled,
}
