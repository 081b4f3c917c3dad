using Img.Messages.Client;
using Img.Messages.Security;

namespace Img.Cli.Commands.Cluster;

/// <summary>The cluster token a client or a joining member uses: <c>--cluster-token-file F</c> / <c>--token-file F</c>, else <c>IMG_CLUSTER_TOKEN</c>.</summary>
internal static class ClusterCredentials
{
    /// <summary>The token, or null when none is given (an insecure loopback cluster).</summary>
    /// <exception cref="UserFacingException">The token (file) is unreadable or malformed.</exception>
    public static ClusterToken? Token(CommandContext context, string? tokenFile)
    {
        try
        {
            return ClusterToken.Resolve(tokenFile is null ? null : context.ResolvePath(tokenFile), Environment.GetEnvironmentVariable);
        }
        catch (ClusterSecurityException e)
        {
            throw new UserFacingException(e.Message, 1, e);
        }
    }

    public static ClusterClientOptions ClientOptions(ClusterToken? token, string clientName) => ClusterEnrollment.ClientOptions(token, clientName);
}
