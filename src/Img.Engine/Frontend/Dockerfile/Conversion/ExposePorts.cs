using System.Globalization;
using System.Net;
using Img.Engine.Frontend.Dockerfile.Instructions;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>EXPOSE port specs (<c>[ip:][host:]port[-end][/proto]</c>) into <c>port/proto</c> keys.</summary>
internal static class ExposePorts
{
    public static IReadOnlyList<string> Parse(IEnumerable<string> ports) => ports.SelectMany(ParseOne).ToArray();

    private static IEnumerable<string> ParseOne(string raw)
    {
        var (ip, hostPort, containerPort) = SplitParts(raw);
        var slash = containerPort.IndexOf('/');
        var port = slash < 0 ? containerPort : containerPort[..slash];
        var proto = slash < 0 ? "" : containerPort[(slash + 1)..];
        if (port.Length == 0)
            throw new InstructionException($"invalid port: \"{raw}\": no port specified");
        proto = proto.ToLowerInvariant() switch
        {
            "" => "tcp",
            "tcp" or "udp" or "sctp" => proto,
            _ => throw new InstructionException($"invalid port: \"{raw}\": invalid proto: {proto}"),
        };
        if (ip.Length > 0 && ip[0] == '[')
            ip = ip.Trim('[', ']');
        if (ip.Length > 0 && !IPAddress.TryParse(ip, out _))
            throw new InstructionException("invalid IP address: " + ip);
        var (start, end) = ParseRange(port) ?? throw new InstructionException("invalid containerPort: " + port);
        if (hostPort.Length > 0)
        {
            var (hs, he) = ParseRange(hostPort) ?? throw new InstructionException("invalid hostPort: " + hostPort);
            if (end - start != he - hs && end != start)
                throw new InstructionException($"invalid ranges specified for container and host Ports: {port} and {hostPort}");
        }
        for (var p = start; p <= end; p++)
            yield return p.ToString(CultureInfo.InvariantCulture) + "/" + proto.ToLowerInvariant();
    }

    private static (int Start, int End)? ParseRange(string ports)
    {
        if (ports.Length == 0)
            return null;
        var dash = ports.IndexOf('-');
        var start = dash < 0 ? ports : ports[..dash];
        var end = dash < 0 ? start : ports[(dash + 1)..];
        if (!TryPort(start, out var s))
            return null;
        if (dash < 0 || start == end)
            return (s, s);
        if (!TryPort(end, out var e) || e < s)
            return null;
        return (s, e);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;

    private static (string Ip, string Host, string Container) SplitParts(string raw)
    {
        var parts = raw.Split(':');
        return parts.Length switch
        {
            1 => ("", "", parts[0]),
            2 => ("", parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => (string.Join(':', parts[..^2]), parts[^2], parts[^1]),
        };
    }
}
