using System.Net;
using Img.Engine.Graph;

namespace Img.Cli.Commands.Build;

/// <summary>
/// <c>--add-host HOST:IP</c> (or <c>HOST=IP</c>) as buildx reads it: split at the first <c>=</c>,
/// else the first <c>:</c> (so <c>h:::1</c> is IPv6 loopback), brackets around the address
/// dropped, the address must parse. A bad one fails before the build with buildx's
/// <c>invalid host h</c>.
/// </summary>
public static class ExtraHostSpec
{
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
            if (ip.Length > 2 && ip[0] == '[' && ip[^1] == ']')
                ip = ip[1..^1];
            // host-gateway needs a driver that knows the host's address from the container's
            // network; img's RUN steps share the host's network, where no such address exists
            if (host.Length == 0 || ip.Length == 0 || !IPAddress.TryParse(ip, out _))
                throw new UserFacingException($"invalid host {value}");
            hosts.Add(new ExtraHost(host, ip));
        }
        return hosts;
    }
}
