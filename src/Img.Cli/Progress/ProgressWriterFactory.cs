namespace Img.Cli.Progress;

/// <summary>Picks the display for <c>--progress</c>: auto means live on a terminal, plain otherwise.</summary>
public static class ProgressWriterFactory
{
    public static ProgressMode Parse(string? value) => value switch
    {
        null or "" or "auto" => ProgressMode.Auto,
        "tty" => ProgressMode.Tty,
        "plain" => ProgressMode.Plain,
        "quiet" => ProgressMode.Quiet,
        _ => throw new CommandLine.UsageException($"invalid argument \"{value}\" for \"--progress\" flag: must be auto, tty, plain or quiet", "build"),
    };

    public static IProgressWriter Create(ProgressMode mode, TextWriter stderr, bool stderrIsTerminal)
    {
        if (mode == ProgressMode.Auto)
            mode = stderrIsTerminal && Environment.GetEnvironmentVariable("CI") is null ? ProgressMode.Tty : ProgressMode.Plain;
        return mode switch
        {
            ProgressMode.Tty => new TtyProgressWriter(stderr, TerminalWidth()),
            ProgressMode.Quiet => new PlainProgressWriter(TextWriter.Null),
            _ => new PlainProgressWriter(stderr),
        };
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
