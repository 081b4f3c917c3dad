namespace Img.Cli.Commands;

/// <summary>Every command <c>img</c> has, in the order <c>img --help</c> lists them.</summary>
public static class CommandCatalog
{
    public static IReadOnlyList<ICommand> All() =>
    [
        new CommandGroup("debug", "Show how img reads a Dockerfile (parse, graph)", [new Debug.DebugParseCommand(), new Debug.DebugGraphCommand()]),
        new Images.LsCommand(),
        new Images.LsCommand("images"),
        new Images.TagCommand(),
        new Images.RmCommand(),
        new Images.RmCommand("rmi"),
        new Images.InspectCommand(),
        new Images.DuCommand(),
        new Images.PruneCommand(),
        new Images.SaveCommand(),
        new Images.LoadCommand(),
        new Images.ImportCommand(),
        new Images.UnpackCommand(),
        new Registry.PullCommand(),
        new Registry.PushCommand(),
        new Registry.LoginCommand(),
        new Registry.LogoutCommand(),
        new CommandGroup("image", "Manage images", [new Images.LsCommand(), new Images.RmCommand(), new Images.InspectCommand(), new Images.TagCommand(), new Images.SaveCommand(), new Images.LoadCommand(), new Images.ImportCommand(), new Images.PruneCommand()]),
        new Build.BuildCommand(),
        new Cluster.CoordinatorCommand(),
        new Cluster.NodeCommand(),
        new CommandGroup("cluster", "Inspect a build cluster", [new Cluster.ClusterStatusCommand(), new Cluster.ClusterTokenCommand()]),
        new VersionCommand(),
    ];
}
