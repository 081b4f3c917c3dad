using Img.Engine.Platforms;
using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Engine.Snapshots;
using Img.Messages.Client;
using Img.Messages.Security;
using Img.Node.Hosting;

namespace Img.Cli.Commands.Cluster;

/// <summary><c>img node --join HOST:PORT</c>: runs a build node until SIGTERM/SIGINT, then drains and leaves.</summary>
public sealed class NodeCommand : ICommand
{
    internal static readonly FlagSpec JoinFlag = new("join", null, true, "Client address of a coordinator (HOST:PORT[,HOST:PORT...])", Repeatable: true, ValueName: "string");
    internal static readonly FlagSpec SlotsFlag = new("slots", null, true, "Vertices run at once (default: 2 per core)", ValueName: "int");
    internal static readonly FlagSpec NameFlag = new("name", null, true, "Name of this node (default: host name and state directory)", ValueName: "string");
    internal static readonly FlagSpec AdvertiseFlag = new("advertise", null, true, "Address other members reach this node at (default: 127.0.0.1)", ValueName: "string");
    internal static readonly FlagSpec BindFlag = new("bind", null, true, "Address the node's ports listen on (default: the advertised address)", ValueName: "string");
    internal static readonly FlagSpec ClusterPortFlag = new("cluster-port", null, true, "Port for cluster members (default: any)", ValueName: "int");
    internal static readonly FlagSpec BlobPortFlag = new("blob-port", null, true, "Port of the blob server (default: any)", ValueName: "int");
    internal static readonly FlagSpec BackendFlag = new("backend", null, true, "Snapshotter backend: auto, overlayfs, native, fuse-overlayfs", ValueName: "string");
    internal static readonly FlagSpec InsecureFlag = new("insecure", null, false, "No TLS and no token (loopback addresses only)");
    internal static readonly FlagSpec PlatformFlag = new("platform", null, true, "Platforms this node runs steps for (default: the host's, and those QEMU emulates here)", Repeatable: true, ValueName: "string");
    internal static readonly FlagSpec TokenFileFlag = new("token-file", null, true, "File holding the cluster token (env IMG_CLUSTER_TOKEN holds the token itself)", ValueName: "string");

    public string Name => "node";
    public string Usage => "--join HOST:PORT [OPTIONS]";
    public string Summary => "Run a build cluster node";

    /// <summary>A node runs steps as standalone builds do: as a non-root user, inside a user namespace.</summary>
    public UserNamespaceUse UserNamespace => UserNamespaceUse.Required;
    public IReadOnlyList<FlagSpec> Flags => [JoinFlag, SlotsFlag, NameFlag, AdvertiseFlag, BindFlag, ClusterPortFlag, BlobPortFlag, BackendFlag, InsecureFlag, TokenFileFlag, PlatformFlag];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw UsageException.Arguments("\"img node\" accepts no arguments.", Name);
        var join = args.Values(JoinFlag.Name).SelectMany(v =>
        {
            try
            {
                return ClusterAddress.ParseList(v);
            }
            catch (FormatException e)
            {
                throw new UsageException($"invalid argument \"{v}\" for \"--join\" flag: {e.Message}", Name);
            }
        }).ToList();
        if (join.Count == 0)
            throw new UsageException("\"img node\" requires --join HOST:PORT", Name);
        var insecure = args.Bool(InsecureFlag.Name);
        var token = insecure ? null : ClusterCredentials.Token(context, args.Value(TokenFileFlag.Name))
            ?? throw new UsageException("\"img node\" needs the cluster token (--token-file FILE, or IMG_CLUSTER_TOKEN), or --insecure on loopback", Name);
        var slots = Environment.ProcessorCount * 2;
        if (args.Value(SlotsFlag.Name) is { } slotsValue && (!int.TryParse(slotsValue, out slots) || slots < 1))
            throw new UsageException($"invalid argument \"{slotsValue}\" for \"--slots\" flag: a number of 1 or more", Name);
        var backend = args.Value(BackendFlag.Name) ?? "auto";
        if (!SnapshotterFactory.Names.Contains(backend))
            throw new UsageException($"invalid argument \"{backend}\" for \"--backend\" flag: must be one of {string.Join(", ", SnapshotterFactory.Names)}", Name);
        var platforms = ParsePlatforms(args.Values(PlatformFlag.Name));
        var advertise = args.Value(AdvertiseFlag.Name) ?? "127.0.0.1";
        var bind = DaemonAddresses.Address(args.Value(BindFlag.Name) ?? advertise);
        if (insecure && !System.Net.IPAddress.IsLoopback(bind))
            throw new UsageException($"--insecure only listens on loopback addresses, not {bind}", Name);

        return await StateScope.RunAsync(context, async scope =>
        {
            var options = new NodeHostOptions
            {
                State = scope.State,
                Join = join,
                Name = args.Value(NameFlag.Name) ?? DaemonAddresses.DefaultName(scope.State.Root),
                Slots = slots,
                Platforms = platforms,
                Advertise = advertise,
                Bind = bind,
                ClusterPort = DaemonAddresses.Port(args.Value(ClusterPortFlag.Name), 0, "--cluster-port", Name),
                BlobPort = DaemonAddresses.Port(args.Value(BlobPortFlag.Name), 0, "--blob-port", Name),
                Backend = backend,
                Insecure = insecure,
                Token = token,
                ExtraHocon = Environment.GetEnvironmentVariable("IMG_CLUSTER_HOCON"),
            };
            try
            {
                await new NodeHost(options, scope.Content, scope.Images, context.Error).RunAsync(cancellationToken);
            }
            catch (Exception e) when (e is ClusterConnectionException or ClusterSecurityException)
            {
                throw new UserFacingException(e.Message, 1, e);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                // a port in use, an address not on this host
                throw new UserFacingException($"cannot listen: {e.Message} (choose other ports with --listen, --cluster-port, --blob-port)", 1, e);
            }
            return 0;
        }, CancellationToken.None);
    }

    /// <summary><c>--platform linux/amd64,linux/arm64</c> (or repeated), normalised; null when not given.</summary>
    private IReadOnlyList<string>? ParsePlatforms(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
            return null;
        var platforms = new List<string>();
        foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            try
            {
                platforms.Add(PlatformSpec.Format(PlatformSpec.Parse(value)));
            }
            catch (FormatException e)
            {
                throw new UsageException($"invalid argument \"{value}\" for \"--platform\" flag: {e.Message}", Name);
            }
        }
        return platforms.Distinct(StringComparer.Ordinal).ToList();
    }
}
