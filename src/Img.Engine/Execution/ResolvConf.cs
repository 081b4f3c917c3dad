using Img.Engine.Graph;
using System.Net;
using System.Text;

namespace Img.Engine.Execution;

/// <summary>
/// The container's <c>/etc/resolv.conf</c>, derived from the host's like BuildKit and Docker do:
/// with host networking the host file is used as is (systemd-resolved's upstream file when the
/// host only points at the 127.0.0.53 stub); otherwise loopback nameservers, unreachable from a
/// separate network namespace, are dropped, and Google's public resolvers are used when none remain.
/// </summary>
public static class ResolvConf
{
    public const string HostPath = "/etc/resolv.conf";
    public const string SystemdResolvedPath = "/run/systemd/resolve/resolv.conf";
    private static readonly string[] DefaultNameservers = ["8.8.8.8", "8.8.4.4"];

    /// <summary>Reads the host's configuration (empty when absent).</summary>
    public static string ReadHost()
    {
        string content = TryRead(HostPath);
        var ns = Nameservers(content);
        if (ns.Count > 0 && ns.All(n => n == "127.0.0.53") && File.Exists(SystemdResolvedPath))
        {
            content = TryRead(SystemdResolvedPath);
        }
        return content;
    }

    /// <summary>The container file for <paramref name="hostContent"/> under <paramref name="network"/>.</summary>
    public static string Generate(string hostContent, NetworkMode network)
    {
        if (network != NetworkMode.None && Nameservers(hostContent).Count > 0)
        {
            return hostContent.EndsWith('\n') || hostContent.Length == 0 ? hostContent : hostContent + "\n";
        }
        var sb = new StringBuilder();
        bool any = false;
        foreach (string raw in hostContent.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            string[] f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 2 && f[0] == "nameserver")
            {
                if (IsLoopback(f[1]))
                {
                    continue;
                }
                any = true;
            }
            if (line.Length > 0 || sb.Length > 0)
            {
                sb.Append(line).Append('\n');
            }
        }
        if (!any)
        {
            foreach (string n in DefaultNameservers)
            {
                sb.Append("nameserver ").Append(n).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>The <c>nameserver</c> addresses of a resolv.conf text.</summary>
    public static List<string> Nameservers(string content) =>
        content.Split('\n')
            .Select(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 2 && f[0] == "nameserver")
            .Select(f => f[1])
            .ToList();

    private static bool IsLoopback(string address) =>
        IPAddress.TryParse(address.Split('%')[0], out IPAddress? ip) && IPAddress.IsLoopback(ip);

    private static string TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
