using Img.Cli.CommandLine;
using Img.Cli.Commands.Build;
using Img.Messages.Client;

namespace Img.Cli.Commands.Cluster;

/// <summary>
/// How a client names the cluster it talks to: <c>--cluster HOST:PORT[,HOST:PORT...]</c> (else
/// <c>IMG_CLUSTER</c>), with the token from <c>--cluster-token-file F</c> (else
/// <c>IMG_CLUSTER_TOKEN</c>). Without a token the connection is plain TCP, which only an
/// <c>--insecure</c> coordinator on a loopback address accepts.
/// </summary>
internal static class ClusterFlags
{
    public const string ClusterVariable = "IMG_CLUSTER";
    public const string TokenVariable = "IMG_CLUSTER_TOKEN";

    public static readonly FlagSpec Cluster = new("cluster", null, true, "Build on a cluster: its coordinators' client addresses (HOST:PORT[,HOST:PORT...]; env IMG_CLUSTER)", ValueName: "string");
    public static readonly FlagSpec TokenFile = new("cluster-token-file", null, true, "File holding the cluster token (env IMG_CLUSTER_TOKEN holds the token itself)", ValueName: "string");

    /// <summary>The cluster the command goes to, or null to work in this process.</summary>
    /// <param name="required">The command only works with a cluster: its absence is a usage error.</param>
    public static ClusterTarget? Target(CommandContext context, ParsedArgs args, string command, bool required = false)
    {
        var list = args.Value(Cluster.Name) ?? Environment.GetEnvironmentVariable(ClusterVariable);
        if (string.IsNullOrWhiteSpace(list))
        {
            if (required)
                throw new UsageException($"\"img {command}\" needs --cluster HOST:PORT (or {ClusterVariable})", command);
            return null;
        }
        IReadOnlyList<string> addresses;
        try
        {
            addresses = ClusterAddress.ParseList(list);
        }
        catch (FormatException e)
        {
            throw new UsageException($"invalid argument \"{list}\" for \"--cluster\" flag: {e.Message}", command);
        }
        if (addresses.Count == 0)
            throw new UsageException($"invalid argument \"{list}\" for \"--cluster\" flag: no address", command);
        var token = ClusterCredentials.Token(context, args.Value(TokenFile.Name));
        return new ClusterTarget(addresses, ClusterCredentials.ClientOptions(token, "img " + command));
    }
}
