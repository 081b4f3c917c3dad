using Img.Cli.CommandLine;
using Img.Engine.State;
using Img.Messages.Security;

namespace Img.Cli.Commands.Cluster;

/// <summary>
/// <c>img cluster token --state DIR</c>: prints the token of the cluster whose first coordinator
/// keeps its state in DIR (created on that coordinator's first start). Clients pass it as
/// <c>IMG_CLUSTER_TOKEN</c> or <c>--cluster-token-file</c>; nodes and further coordinators join with it.
/// </summary>
public sealed class ClusterTokenCommand : ICommand
{
    public string Name => "token";
    public string Usage => "[OPTIONS]";
    public string Summary => "Print the cluster token from a coordinator's state directory";
    public IReadOnlyList<FlagSpec> Flags => [];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw UsageException.Arguments("\"img cluster token\" accepts no arguments.", "cluster token");
        var state = StateDirectory.Resolve(context.StateFlag);
        var directory = ClusterDirectory.For(state);
        if (!ClusterAuthority.Exists(directory))
            throw new UserFacingException($"{state.Root} holds no cluster authority: start a coordinator (without --insecure) on it first");
        try
        {
            using var authority = ClusterAuthority.Load(directory);
            await context.Out.WriteLineAsync(authority.Token.Reveal());
        }
        catch (ClusterSecurityException e)
        {
            throw new UserFacingException(e.Message, 1, e);
        }
        return 0;
    }
}
