using Img.Messages.Security;

namespace Img.Messages.Client;

/// <summary>
/// Joining a cluster through a coordinator's client endpoint (<c>img node --join</c>, <c>img
/// coordinator --seed</c>): the endpoint names the coordinators to join and, on a secured
/// cluster, issues this member's certificate from its request (the private key never leaves
/// this process) and, for a coordinator, hands over the authority.
/// </summary>
public static class ClusterEnrollment
{
    /// <summary>What a join brings back: the Akka addresses to join, and the member's credentials on a secured cluster.</summary>
    public sealed record Result(IReadOnlyList<string> Seeds, MemberCredentials? Member, string? Authority);

    /// <param name="token">The cluster token (null: an insecure loopback cluster, nothing to issue).</param>
    /// <param name="credentialsDirectory">Where the member's key and certificate are kept (<c>&lt;state&gt;/cluster</c>).</param>
    /// <param name="hosts">The names and addresses the member's certificate must cover.</param>
    /// <exception cref="ClusterConnectionException">No coordinator answered, or it refused.</exception>
    public static async Task<Result> JoinAsync(IReadOnlyList<string> endpoints, string role, string name, ClusterToken? token,
        string credentialsDirectory, IReadOnlyList<string> hosts, CancellationToken cancellationToken)
    {
        using var request = token is null ? null : MemberCredentials.CreateRequest(credentialsDirectory, name, hosts);
        var options = ClientOptions(token, role + " " + name);
        await using var connection = await ClusterConnection.ConnectAsync(endpoints, options, cancellationToken).ConfigureAwait(false);
        connection.Send(new EnrollMember(role, name, request?.Pem ?? ""));
        await foreach (var message in connection.Incoming.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (message is not MemberEnrolled enrolled)
                continue;
            if (enrolled.Error.Length > 0)
                throw new ClusterRefusedException($"{connection.Address} refused to enroll {role} {name}: {enrolled.Error}");
            MemberCredentials? member = null;
            if (request is not null)
            {
                try
                {
                    member = request.Complete(enrolled.CertificatePem, enrolled.CaPem, token!);
                }
                catch (ClusterSecurityException e)
                {
                    throw new ClusterRefusedException($"{connection.Address} answered with credentials this token does not trust: {e.Message}");
                }
            }
            var authority = enrolled.Authority is { Length: > 0 } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;
            return new Result(enrolled.Seeds, member, authority);
        }
        throw new ClusterConnectionException($"{connection.Address} closed the connection while enrolling {role} {name}"
            + (connection.Error is { } error ? ": " + error.Message : ""));
    }

    /// <summary>How a client connects with <paramref name="token"/> (TLS pinned to the token's CA, the secret in the hello), or plainly without one.</summary>
    public static ClusterClientOptions ClientOptions(ClusterToken? token, string clientName) => token is null
        ? new ClusterClientOptions { ClientName = clientName }
        : new ClusterClientOptions
        {
            ClientName = clientName,
            Secret = token.Reveal(),
            Secure = (stream, host, ct) => ClusterTls.AuthenticateAsTokenClientAsync(stream, token, host, ct),
        };
}
