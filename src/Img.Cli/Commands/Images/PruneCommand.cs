using Img.Cli.CommandLine;
using Img.Cli.Commands.Images.Formatting;
using Img.Cli.Hosting;
using Img.Engine.Images;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img prune</c>: deletes every blob no image reaches (what <c>img rm</c> left behind,
/// interrupted pulls and loads), printing each deleted blob and <c>Total: SIZE</c> reclaimed.
/// Never prompts (img has no daemon state to protect); <c>-a</c> and <c>-f</c> are accepted.
/// </summary>
public sealed class PruneCommand : ICommand
{
    private static readonly FlagSpec All = new("all", 'a', false, "Remove all unused blobs (the default; accepted for compatibility)");
    private static readonly FlagSpec Force = new("force", 'f', false, "Do not prompt for confirmation (img never prompts)");

    public string Name => "prune";
    public string Usage => "[OPTIONS]";
    public string Summary => "Remove unused layers, configs and manifests";
    public IReadOnlyList<FlagSpec> Flags => [All, Force];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw new UsageException("\"img prune\" accepts no arguments.", Name, 1);
        return StateScope.RunAsync(context, async scope =>
        {
            var result = await new GarbageCollector(scope.Content, scope.Images).CollectAsync(null, false, cancellationToken);
            foreach (var blob in result.Removed.OrderBy(b => b.Digest))
                await context.Out.WriteLineAsync($"Deleted: {blob.Digest}");
            await context.Out.WriteLineAsync("Total: " + HumanUnits.Size(result.BytesFreed));
            return 0;
        }, cancellationToken);
    }
}
