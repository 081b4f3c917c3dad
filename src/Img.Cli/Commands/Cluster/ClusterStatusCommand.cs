using System.Globalization;
using Img.Cli.CommandLine;
using Img.Cli.Commands.Images.Formatting;
using Img.Messages.Client;
using Img.Messages.Scheduling.Queries;

namespace Img.Cli.Commands.Cluster;

/// <summary><c>img cluster status</c>: members, nodes with their slots, load, counters and storage, and the cache's size.</summary>
public sealed class ClusterStatusCommand : ICommand
{
    public string Name => "status";
    public string Usage => "[OPTIONS]";
    public string Summary => "Show the members, nodes and cache of a build cluster";
    public IReadOnlyList<FlagSpec> Flags => [ClusterFlags.Cluster, ClusterFlags.TokenFile];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw UsageException.Arguments("\"img cluster status\" accepts no arguments.", "cluster status");
        var target = ClusterFlags.Target(context, args, "cluster status", required: true)!;
        ClusterConnection connection;
        try
        {
            connection = await ClusterConnection.ConnectAsync(target.Addresses, target.Options, cancellationToken);
        }
        catch (ClusterConnectionException e)
        {
            throw new UserFacingException(e.Message, 1, e);
        }
        await using (connection)
        {
            connection.Send(GetClusterStatus.Instance);
            ClusterStatusResult? status = null;
            await foreach (var message in connection.Incoming.ReadAllAsync(cancellationToken))
            {
                if (message is ClusterStatusResult s)
                {
                    status = s;
                    break;
                }
            }
            if (status is null)
                throw new UserFacingException($"coordinator {connection.Coordinator} closed the connection without an answer");
            await WriteAsync(context.Out, status);
        }
        return 0;
    }

    private static async Task WriteAsync(TextWriter output, ClusterStatusResult status)
    {
        await output.WriteLineAsync($"Coordinator:    {status.Coordinator}");
        await output.WriteLineAsync($"Cache records:  {(status.CacheRecords < 0 ? "unknown" : status.CacheRecords.ToString(CultureInfo.InvariantCulture))}");
        await output.WriteLineAsync($"Queued:         {status.QueuedVertices}");
        await output.WriteLineAsync();
        var members = new TableWriter();
        members.AddRow("MEMBER", "ROLES", "STATUS", "REACHABLE");
        foreach (var m in status.Members.OrderBy(m => m.Address, StringComparer.Ordinal))
            members.AddRow(m.Address, string.Join(",", m.Roles), m.State, m.Reachable ? "yes" : "no");
        await output.WriteAsync(members.ToString());
        await output.WriteLineAsync();
        var nodes = new TableWriter();
        nodes.AddRow("NODE", "SLOTS", "RUNNING", "QUEUED", "EXECUTED", "BLOBS", "SNAPSHOTS", "STATE", "PLATFORMS");
        foreach (var n in status.Nodes.OrderBy(n => n.Node, StringComparer.Ordinal))
        {
            var state = !n.Available ? "lost" : n.Draining ? "draining" : "ready";
            nodes.AddRow(n.Node, N(n.Slots), N(n.Running), N(n.Queued), N(n.Executed), HumanUnits.Size(n.BlobBytes), HumanUnits.Size(n.SnapshotBytes), state,
                n.Platforms is { } platforms ? string.Join(",", platforms) : "any");
        }
        await output.WriteAsync(nodes.ToString());
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
}
