namespace Img.Cli.Commands;

/// <summary>Every command <c>img</c> has, in the order <c>img --help</c> lists them.</summary>
public static class CommandCatalog
{
    public static IReadOnlyList<ICommand> All() =>
    [
        new CommandGroup("debug", "Show how img reads a Dockerfile (parse, graph)", [new Debug.DebugParseCommand()]),
        new VersionCommand(),
    ];
}
