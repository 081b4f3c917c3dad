using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Img.Cli.CommandLine;
using Img.Messages.Client;

namespace Img.Cli.Commands.Cluster;

/// <summary>Flag values the daemons share: listen addresses, ports, names.</summary>
internal static class DaemonAddresses
{
    public static IPEndPoint Listen(string value, string flag, string command)
    {
        try
        {
            var (host, port) = ClusterAddress.Parse(value, allowAnyPort: true);
            return new IPEndPoint(Address(host), port);
        }
        catch (Exception e) when (e is FormatException or SocketException)
        {
            throw new UsageException($"invalid argument \"{value}\" for \"{flag}\" flag: {e.Message}", command);
        }
    }

    public static IPAddress Address(string host)
    {
        if (IPAddress.TryParse(host, out var address))
            return address;
        if (host == "localhost")
            return IPAddress.Loopback;
        return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new FormatException($"cannot resolve {host}");
    }

    public static int Port(string? value, int fallback, string flag, string command)
    {
        if (value is null)
            return fallback;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            throw new UsageException($"invalid argument \"{value}\" for \"{flag}\" flag: a port from 0 to 65535", command);
        return port;
    }

    /// <summary>A name that tells machines apart, and state directories on one machine: <c>host-1a2b3c</c>.</summary>
    public static string DefaultName(string state) =>
        Dns.GetHostName() + "-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(state))))[..6];

    /// <summary>The host name of an address for others to reach (the listen address, unless it is "any").</summary>
    public static string Advertised(string? advertise, IPAddress bind) =>
        advertise ?? (bind.Equals(IPAddress.Any) ? Dns.GetHostName() : bind.ToString());
}
