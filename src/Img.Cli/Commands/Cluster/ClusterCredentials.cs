using Img.Messages.Client;

namespace Img.Cli.Commands.Cluster;

/// <summary>Turns a cluster token into how a client connects (TLS pinned to the cluster's CA, and the secret for the hello).</summary>
internal static class ClusterCredentials
{
    public static ClusterClientOptions ClientOptions(string? token, string clientName)
    {
        if (token is null)
            return new ClusterClientOptions { ClientName = clientName };
        throw new UserFacingException("cluster tokens are not supported yet by this img (run the cluster with --insecure on loopback)");
    }
}
