using System.Net;

namespace Img.Messages.Security;

/// <summary>
/// <c>--insecure</c>: no TLS, no token, no certificates, so anyone who can connect can run
/// commands on the nodes. It is allowed only where nobody else can connect: every address
/// bound, advertised or dialled must be a loopback address.
/// </summary>
public static class InsecureMode
{
    public const string Flag = "--insecure";

    /// <summary>True for <c>localhost</c> and loopback addresses (127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(string host)
    {
        var bare = host.Trim();
        if (bare.StartsWith('[') && bare.EndsWith(']'))
            bare = bare[1..^1];
        if (string.Equals(bare.TrimEnd('.'), "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Throws a <see cref="ClusterSecurityException"/> unless <paramref name="host"/> is loopback.</summary>
    /// <param name="host">The address.</param>
    /// <param name="what">What the address is for, for the message (e.g. "bind address", "seed").</param>
    public static void RequireLoopback(string host, string what)
    {
        if (!IsLoopback(host))
            throw new ClusterSecurityException(
                $"{Flag} works only on loopback addresses, and {what} {host} is not one: without {Flag}, members and clients authenticate with a cluster token");
    }
}
