using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Img.Engine.Native;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// The <c>hosts</c>, <c>resolv.conf</c> and <c>hostname</c> files containers bind-mount
/// read-only (as BuildKit mounts hosts and resolv.conf), one set per distinct content under
/// <c>DIR/&lt;content hash&gt;/</c>: written once (temp file + rename, so a set is whole or
/// absent) and shared by every step that needs the same content, instead of written and deleted
/// per step. Read-only is what makes sharing safe: no step can leave a change for the next.
/// </summary>
internal sealed class SharedEtcFiles(string directory)
{
    private readonly ConcurrentDictionary<string, RuntimeSpecBuilder.EtcFiles> _sets = new(StringComparer.Ordinal);

    /// <summary>The files for <paramref name="spec"/> (its hostname, extra hosts and network), written when new.</summary>
    public RuntimeSpecBuilder.EtcFiles For(ExecSpec spec)
    {
        var hostname = string.IsNullOrEmpty(spec.Hostname) ? ExecSpec.DefaultHostname : spec.Hostname;
        var hosts = HostsFile.Generate(hostname, spec.ExtraHosts);
        var resolv = ResolvConf.Generate(ResolvConf.ReadHost(), spec.Network);
        var hostnameFile = hostname + "\n";
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{hosts}\0{resolv}\0{hostnameFile}")))[..24];
        return _sets.GetOrAdd(key, k =>
        {
            var set = Path.Join(directory, k);
            Directory.CreateDirectory(set);
            var files = new RuntimeSpecBuilder.EtcFiles(Path.Join(set, "hosts"), Path.Join(set, "resolv.conf"), Path.Join(set, "hostname"));
            WriteOnce(files.Hosts, hosts);
            WriteOnce(files.ResolvConf, resolv);
            WriteOnce(files.Hostname, hostnameFile);
            return files;
        });
    }

    private static void WriteOnce(string path, string content)
    {
        if (File.Exists(path))
            return;
        var tmp = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        File.WriteAllText(tmp, content);
        Posix.Chmod(tmp, 0x1A4); // 0644 whatever the umask: non-root users in the container read them
        File.Move(tmp, path, overwrite: true);
    }
}
