using Img.Cli.CommandLine;
using Img.Cli.Commands.Images.Formatting;
using Img.Cli.Hosting;
using Img.Engine.BuildCache;
using Img.Engine.Frontend.Dockerfile.Instructions;
using GoDuration = Img.Engine.Text.GoDuration;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img prune</c>: removes the build cache (records and their snapshots; with <c>-a</c> also the
/// base image layers unpacked from local images), then every blob no image and no remaining cache
/// record reaches. Prints what it removed and <c>Total reclaimed space: SIZE</c>. Records are
/// deleted through their vertex entities before their snapshots, so a prune that is killed
/// half-way never leaves a record pointing at a removed snapshot. It holds the state lock, so it
/// waits for a running build (and a build waits for it). Never prompts.
/// </summary>
public sealed class PruneCommand : ICommand
{
    private static readonly FlagSpec All = new("all", 'a', false, "Also remove the base image layers unpacked for builds (kept by default while their image is in the store)");
    private static readonly FlagSpec Force = new("force", 'f', false, "Do not prompt for confirmation (img never prompts)");
    private static readonly FlagSpec Filter = new("filter", null, true, "Remove only build cache matching (until=DURATION: last used longer ago)", Repeatable: true, ValueName: "filter");
    private static readonly FlagSpec KeepStorage = new("keep-storage", null, true, "Keep the most recently used build cache up to this size (e.g. 512MB, 10GB)", ValueName: "bytes");

    public string Name => "prune";
    public string Usage => "[OPTIONS]";
    public string Summary => "Remove build cache and unused layers, configs and manifests";
    public IReadOnlyList<FlagSpec> Flags => [All, Filter, Force, KeepStorage];
    public UserNamespaceUse UserNamespace => UserNamespaceUse.WhenAvailable;

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw UsageException.Arguments("\"img prune\" accepts no arguments.", Name);
        TimeSpan? until = null;
        foreach (var filter in args.Values(Filter.Name))
        {
            var eq = filter.IndexOf('=');
            if (eq < 0 || filter[..eq] is not ("until" or "unused-for"))
                throw new UsageException($"invalid filter '{filter}' for --filter: img prune supports until=DURATION", Name);
            try
            {
                until = TimeSpan.FromTicks(GoDuration.Parse(filter[(eq + 1)..]) / 100);
            }
            catch (FormatException e)
            {
                throw new UsageException($"invalid filter '{filter}' for --filter: {e.Message} (a duration like 24h, 90m, 30s)", Name);
            }
            if (until < TimeSpan.Zero)
                throw new UsageException($"invalid filter '{filter}' for --filter: the duration must not be negative", Name);
        }
        long? keepStorage = null;
        if (args.Value(KeepStorage.Name) is { } keep)
        {
            keepStorage = RunMount.RamInBytes(keep)
                ?? throw new UsageException($"invalid argument \"{keep}\" for \"--keep-storage\" flag: invalid size: '{keep}' (e.g. 512MB, 10GB)", Name);
        }
        var options = new BuildCachePruneOptions(args.Bool(All.Name), until, keepStorage, DateTimeOffset.UtcNow);

        return StateScope.RunAsync(context, async scope =>
        {
            BuildCacheRemovalResult removal;
            await using (var cache = await BuildCacheView.OpenAsync(scope, cancellationToken))
            {
                var plan = BuildCachePlanner.Plan(cache.Entries, options);
                removal = await BuildCacheRemoval.RunAsync(scope, cache, plan, context.Error, cancellationToken);
            }
            if (removal.Removed.Count > 0)
            {
                await context.Out.WriteLineAsync("Deleted build cache objects:");
                foreach (var entry in removal.Removed)
                    await context.Out.WriteLineAsync(entry.Id);
                await context.Out.WriteLineAsync();
            }
            foreach (var blob in removal.BlobsRemoved)
                await context.Out.WriteLineAsync($"Deleted: {blob.Digest}");
            await context.Out.WriteLineAsync("Total reclaimed space: " + HumanUnits.Size(removal.BytesFreed));
            return removal.Failed ? 1 : 0;
        }, cancellationToken);
    }
}
