using Img.Cli.CommandLine;
using Img.Cli.Commands.Images.Formatting;
using Img.Cli.Hosting;
using Img.Engine.Images;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img du</c>: every blob of the content store with its size, whether <c>img prune</c> would
/// reclaim it, and what it is to which images; then the reclaimable and total sizes.
/// </summary>
public sealed class DuCommand : ICommand
{
    private static readonly FlagSpec Filter = new("filter", 'f', true, "Filter output (id=DIGEST_PREFIX, reclaimable=BOOL)", Repeatable: true, ValueName: "filter");

    public string Name => "du";
    public string Usage => "[OPTIONS]";
    public string Summary => "Show image disk usage";
    public IReadOnlyList<FlagSpec> Flags => [Filter];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw new UsageException("\"img du\" accepts no arguments.", Name, 1);
        var filters = new List<Func<BlobUsage, bool>>();
        foreach (var filter in args.Values(Filter.Name))
        {
            var eq = filter.IndexOf('=');
            var (key, value) = eq < 0 ? ("id", filter) : (filter[..eq], filter[(eq + 1)..]);
            filters.Add(key switch
            {
                "id" => u => u.Blob.Digest.ToString().StartsWith(value, StringComparison.Ordinal) || u.Blob.Digest.Hex.StartsWith(value, StringComparison.Ordinal),
                "reclaimable" when bool.TryParse(value, out var want) => u => u.Reclaimable == want,
                _ => throw new UserFacingException($"invalid filter '{filter}'"),
            });
        }

        return StateScope.RunAsync(context, async scope =>
        {
            var usage = (await DiskUsage.ComputeAsync(scope.Content, scope.Images, cancellationToken))
                .Where(u => filters.All(f => f(u))).ToList();
            var table = new TableWriter();
            table.AddRow("ID", "RECLAIMABLE", "SIZE", "DESCRIPTION");
            foreach (var u in usage)
            {
                var description = u.Reclaimable
                    ? "unreferenced blob"
                    : $"{u.Kind} of {string.Join(", ", u.UsedBy)}";
                table.AddRow(u.Blob.Digest.ToString(), u.Reclaimable ? "true" : "false", HumanUnits.Size(u.Blob.Size), description);
            }
            await context.Out.WriteAsync(table.ToString());
            var totals = new TableWriter();
            totals.AddRow("Reclaimable:", HumanUnits.Size(usage.Where(u => u.Reclaimable).Sum(u => u.Blob.Size)));
            totals.AddRow("Total:", HumanUnits.Size(usage.Sum(u => u.Blob.Size)));
            await context.Out.WriteAsync(totals.ToString());
            return 0;
        }, cancellationToken);
    }
}
