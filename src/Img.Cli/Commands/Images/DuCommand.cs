using Img.Cli.CommandLine;
using Img.Cli.Commands.Images.Formatting;
using Img.Cli.Hosting;
using Img.Engine.BuildCache;
using Img.Engine.Images;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img du</c>: every blob of the content store with its size, whether <c>img prune</c> would
/// reclaim it, and what it is to which images; then the build cache (like <c>docker buildx du</c>):
/// one row per snapshot with the records pointing at it, or per record with nothing on disk; then
/// the reclaimable and total sizes of both. <c>-v</c> prints each build cache entry in full.
/// </summary>
public sealed class DuCommand : ICommand
{
    private static readonly FlagSpec Filter = new("filter", 'f', true, "Filter output (id=PREFIX, reclaimable=BOOL)", Repeatable: true, ValueName: "filter");
    private static readonly FlagSpec Verbose = new("verbose", 'v', false, "Print every build cache entry in full");

    public string Name => "du";
    public string Usage => "[OPTIONS]";
    public string Summary => "Show disk usage of images and build cache";
    public IReadOnlyList<FlagSpec> Flags => [Filter, Verbose];
    public UserNamespaceUse UserNamespace => UserNamespaceUse.WhenAvailable;

    private sealed record Row(string Id, bool Reclaimable, long Size, string Description, BuildCacheEntry? Entry);

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw UsageException.Arguments("\"img du\" accepts no arguments.", Name);
        var filters = new List<Func<Row, bool>>();
        foreach (var filter in args.Values(Filter.Name))
        {
            var eq = filter.IndexOf('=');
            var (key, value) = eq < 0 ? ("id", filter) : (filter[..eq], filter[(eq + 1)..]);
            filters.Add(key switch
            {
                "id" => r => r.Id.StartsWith(value, StringComparison.Ordinal)
                    || (r.Id.StartsWith("sha256:", StringComparison.Ordinal) && r.Id[7..].StartsWith(value, StringComparison.Ordinal)),
                "reclaimable" when bool.TryParse(value, out var want) => r => r.Reclaimable == want,
                _ => throw new UserFacingException($"invalid filter '{filter}' for --filter (expected id=PREFIX or reclaimable=true|false)"),
            });
        }
        var verbose = args.Bool(Verbose.Name);

        return StateScope.RunAsync(context, async scope =>
        {
            var blobs = await DiskUsage.ComputeAsync(scope.Content, scope.Images, cancellationToken);
            await using var cache = await BuildCacheView.OpenAsync(scope, cancellationToken);
            var rows = blobs
                .Select(u => new Row(u.Blob.Digest.ToString(), u.Reclaimable, u.Blob.Size,
                    u.Reclaimable ? "unreferenced blob" : $"{u.Kind} of {string.Join(", ", u.UsedBy)}", null))
                .Concat(cache.Entries.Select(e => new Row(e.Id, e.Reclaimable, e.Size, e.Description, e)))
                .Where(r => filters.All(f => f(r)))
                .ToList();

            var table = new TableWriter();
            table.AddRow("ID", "RECLAIMABLE", "SIZE", "DESCRIPTION");
            foreach (var r in rows.Where(r => !verbose || r.Entry is null))
                table.AddRow(r.Id, r.Reclaimable ? "true" : "false", HumanUnits.Size(r.Size), r.Description);
            if (!verbose || rows.Any(r => r.Entry is null))
                await context.Out.WriteAsync(table.ToString());
            if (verbose)
            {
                var now = DateTimeOffset.UtcNow;
                foreach (var r in rows.Where(r => r.Entry is not null))
                    await context.Out.WriteAsync(Details(r.Entry!, now));
            }
            var totals = new TableWriter();
            totals.AddRow("Reclaimable:", HumanUnits.Size(rows.Where(r => r.Reclaimable).Sum(r => r.Size)));
            totals.AddRow("Total:", HumanUnits.Size(rows.Sum(r => r.Size)));
            await context.Out.WriteAsync(totals.ToString());
            return 0;
        }, cancellationToken);
    }

    /// <summary>One entry as <c>docker buildx du --verbose</c> prints one: a block of fields, then an empty line.</summary>
    private static string Details(BuildCacheEntry e, DateTimeOffset now)
    {
        var fields = new TableWriter();
        fields.AddRow("ID:", e.Id);
        if (e.Parent is { } parent)
            fields.AddRow("Parent:", parent);
        fields.AddRow("Type:", TypeName(e.Type));
        fields.AddRow("Created at:", HumanUnits.Timestamp(e.Created));
        // BuildKit's word: cache mounts and active snapshots change, committed snapshots never do
        fields.AddRow("Mutable:", e.Type == BuildCacheEntryType.ExecCacheMount || e.Snapshot?.Kind == Engine.Snapshots.SnapshotKind.Active ? "true" : "false");
        fields.AddRow("Reclaimable:", e.Reclaimable ? "true" : "false");
        fields.AddRow("In use:", e.InUse ? "true" : "false");
        fields.AddRow("Size:", HumanUnits.Size(e.Size));
        fields.AddRow("Description:", e.Description);
        fields.AddRow("Last used:", HumanUnits.Ago(e.LastUsed, now));
        if (e.Snapshotter is { } snapshotter)
            fields.AddRow("Snapshotter:", snapshotter.Name);
        foreach (var key in e.Keys)
            fields.AddRow("Cache key:", key.Value);
        return fields + "\n";
    }

    internal static string TypeName(BuildCacheEntryType type) => type switch
    {
        BuildCacheEntryType.Regular => "regular",
        BuildCacheEntryType.SourceImage => "source.image",
        BuildCacheEntryType.SourceLocal => "source.local",
        BuildCacheEntryType.Dangling => "dangling",
        BuildCacheEntryType.ExecCacheMount => "exec.cachemount",
        _ => "record",
    };
}
