namespace Img.Cli.Commands;

/// <summary>What every command gets: the streams to use and the global options.</summary>
public sealed class CommandContext
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public required Func<Stream> OpenStdin { get; init; }
    public string? StateFlag { get; init; }
    public bool Debug { get; init; }
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
