using System.Net;
using Img.Engine.Graph;

namespace Img.Cli.Commands.Build;

/// <summary>
/// <c>--add-host HOST:IP</c> (or <c>HOST=IP</c>) as buildx reads it: split at the first <c>=</c>,
/// else the first <c>:</c> (so <c>h:::1</c> is IPv6 loopback), brackets around the address
/// dropped, the address must parse. A bad one fails before the build with buildx's
/// <c>invalid host h</c>.
/// <para>
/// <c>HOST:host-gateway</c>: buildx replaces the word by the builder host's gateway address
/// (dockerd's <c>--host-gateway-ip</c>, by default its bridge's, the host as a bridged container
/// reaches it). img's RUN steps share the network of the host that runs them, so that host is
/// <see cref="HostGatewayAddress"/>, which also reaches services listening on loopback only. Under
/// <c>--network=none</c> (or <c>RUN --network=none</c>) the name still resolves, to the step's own
/// loopback: the host is unreachable, as the gateway is from a docker container without a network.
/// With <c>--cluster</c> the step's host is the node that runs it, as docker's is the daemon's.
/// </para>
/// </summary>
public static class ExtraHostSpec
{
    /// <summary>The address <c>host-gateway</c> means (docker's special word for the builder's host).</summary>
    public const string HostGateway = "host-gateway";

    /// <summary>The host, seen from a step that shares its network.</summary>
    public const string HostGatewayAddress = "127.0.0.1";

    /// <exception cref="UserFacingException">An entry without a host, or with an address that is not one.</exception>
    public static IReadOnlyList<ExtraHost> Parse(IEnumerable<string> values)
    {
        var hosts = new List<ExtraHost>();
        foreach (var value in values)
        {
            var sep = value.IndexOf('=');
            if (sep < 0)
                sep = value.IndexOf(':');
            var host = sep < 0 ? "" : value[..sep];
            var ip = sep < 0 ? "" : value[(sep + 1)..];
            if (host.Length > 0 && ip == HostGateway)
            {
                hosts.Add(new ExtraHost(host, HostGatewayAddress));
                continue;
            }
            if (ip.Length > 2 && ip[0] == '[' && ip[^1] == ']')
                ip = ip[1..^1];
            if (host.Length == 0 || ip.Length == 0 || !IPAddress.TryParse(ip, out _))
                throw new UserFacingException($"invalid host {value}");
            hosts.Add(new ExtraHost(host, ip));
        }
        return hosts;
    }
}
