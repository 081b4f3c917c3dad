namespace Img.Cli.Commands;

/// <summary>Every command <c>img</c> has, in the order <c>img --help</c> lists them.</summary>
public static class CommandCatalog
{
    public static IReadOnlyList<ICommand> All() =>
    [
        new VersionCommand(),
    ];
}
