using System.Text;

namespace Img.Engine.Execution;

/// <summary>
/// The container's <c>/etc/hosts</c>, as BuildKit writes it: localhost and the container's
/// hostname on 127.0.0.1, the IPv6 loopback names, then extra entries (<c>--add-host</c>).
/// </summary>
public static class HostsFile
{
    public static string Generate(string hostname, IEnumerable<KeyValuePair<string, string>>? extraHosts = null)
    {
        var sb = new StringBuilder();
        sb.Append("127.0.0.1\tlocalhost ").Append(string.IsNullOrEmpty(hostname) ? ExecSpec.DefaultHostname : hostname).Append('\n');
        sb.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        if (extraHosts is not null)
        {
            foreach (var (host, ip) in extraHosts)
            {
                sb.Append(ip).Append('\t').Append(host).Append('\n');
            }
        }
        return sb.ToString();
    }
}
