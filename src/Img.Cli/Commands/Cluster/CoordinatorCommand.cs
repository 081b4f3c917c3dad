using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Coordinator.Hosting;
using Img.Messages.Client;
using Img.Messages.Security;

namespace Img.Cli.Commands.Cluster;

/// <summary>
/// <c>img coordinator --listen HOST:PORT</c>: runs a cluster coordinator until SIGTERM/SIGINT.
/// Clients and joining members use PORT; members talk Akka on PORT+1 (<c>--cluster-port</c>); the
/// blob server for uploaded context files listens on PORT+2 (<c>--blob-port</c>).
/// </summary>
public sealed class CoordinatorCommand : ICommand
{
    internal static readonly FlagSpec ListenFlag = new("listen", null, true, "Client endpoint address (HOST:PORT)", ValueName: "string");
    internal static readonly FlagSpec ClusterPortFlag = new("cluster-port", null, true, "Port for cluster members (default: listen port + 1)", ValueName: "int");
    internal static readonly FlagSpec BlobPortFlag = new("blob-port", null, true, "Port of the blob server (default: listen port + 2)", ValueName: "int");
    internal static readonly FlagSpec AdvertiseFlag = new("advertise", null, true, "Address members reach this coordinator at (default: the listen address)", ValueName: "string");
    internal static readonly FlagSpec DbFlag = new("db", null, true, "Cache database: postgres://USER[:PASSWORD]@HOST:PORT/DB (default: SQLite in the state directory)", ValueName: "string");
    internal static readonly FlagSpec SeedFlag = new("seed", null, true, "Client address of a running coordinator to join (HOST:PORT)", Repeatable: true, ValueName: "string");
    internal static readonly FlagSpec NameFlag = new("name", null, true, "Name of this coordinator (default: host name and state directory)", ValueName: "string");
    internal static readonly FlagSpec InsecureFlag = new("insecure", null, false, "No TLS and no token (loopback addresses only)");
    internal static readonly FlagSpec TokenFileFlag = new("token-file", null, true, "File holding the cluster token, to join --seed coordinators (env IMG_CLUSTER_TOKEN holds the token itself)", ValueName: "string");

    public string Name => "coordinator";
    public string Usage => "--listen HOST:PORT [OPTIONS]";
    public string Summary => "Run a build cluster coordinator";
    public IReadOnlyList<FlagSpec> Flags => [ListenFlag, ClusterPortFlag, BlobPortFlag, AdvertiseFlag, DbFlag, SeedFlag, NameFlag, InsecureFlag, TokenFileFlag];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw UsageException.Arguments("\"img coordinator\" accepts no arguments.", Name);
        var listenValue = args.Value(ListenFlag.Name) ?? throw new UsageException("\"img coordinator\" requires --listen HOST:PORT", Name);
        var listen = DaemonAddresses.Listen(listenValue, "--listen", Name);
        var insecure = args.Bool(InsecureFlag.Name);
        if (insecure && !System.Net.IPAddress.IsLoopback(listen.Address))
            throw new UsageException($"--insecure only listens on loopback addresses, not {listen.Address}", Name);
        var token = insecure ? null : ClusterCredentials.Token(context, args.Value(TokenFileFlag.Name));
        var seeds = args.Values(SeedFlag.Name).SelectMany(ClusterAddress.ParseList).ToList();
        var (database, postgres) = PostgresUrl.Parse(args.Value(DbFlag.Name), Name);

        return await StateScope.RunAsync(context, async scope =>
        {
            var options = new CoordinatorHostOptions
            {
                State = scope.State,
                Listen = listen,
                ClusterPort = DaemonAddresses.Port(args.Value(ClusterPortFlag.Name), listen.Port == 0 ? 0 : listen.Port + 1, "--cluster-port", Name),
                BlobPort = DaemonAddresses.Port(args.Value(BlobPortFlag.Name), listen.Port == 0 ? 0 : listen.Port + 2, "--blob-port", Name),
                Advertise = DaemonAddresses.Advertised(args.Value(AdvertiseFlag.Name), listen.Address),
                Name = args.Value(NameFlag.Name) ?? DaemonAddresses.DefaultName(scope.State.Root),
                Seeds = seeds,
                Database = database,
                Postgres = postgres,
                Insecure = insecure,
                Token = token,
                ExtraHocon = Environment.GetEnvironmentVariable("IMG_CLUSTER_HOCON"),
            };
            CoordinatorHost host;
            try
            {
                host = await CoordinatorHost.StartAsync(options, cancellationToken);
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
            await using (host)
            {
                await context.Error.WriteLineAsync($"img coordinator {host.Name}: clients at {host.Endpoint.Endpoint}, members at {host.ClusterAddress}, blobs at {host.BlobEndpoint}");
                if (host.Token is not null)
                    await context.Error.WriteLineAsync($"img coordinator {host.Name}: the cluster's token is printed by: img --state {scope.State.Root} cluster token");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    await context.Error.WriteLineAsync($"img coordinator {host.Name}: leaving the cluster");
                }
            }
            return 0;
        }, CancellationToken.None);
    }
}
