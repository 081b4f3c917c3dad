using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>
/// What a killed node leaves mounted. Run as root, a node mounts in the host's mount namespace:
/// its snapshots under its state directory, and each running step's rootfs (an overlay over its
/// snapshots) under its runtime directory, <c>/dev/shm/img-HASH</c>. A node killed with its whole
/// process tree (its container reaper too, as when the machine dies) unmounts neither; both must
/// go before the state directory is removed, or they would outlive the test.
/// </summary>
public static partial class Mounts
{
    /// <summary>
    /// Lazily unmounts every mount at or below <paramref name="state"/> or its runtime directory, or
    /// layered over something in it (overlay lowerdir/upperdir), deepest first; then removes the
    /// runtime directory. Fails with umount's message.
    /// </summary>
    public static async Task ReleaseAsync(string state)
    {
        var runtime = RuntimeDirectory(state);
        foreach (var mount in Referencing([state, runtime]))
            (await ProcessRunner.ToolAsync("umount", "-l", mount)).AssertSuccess();
        if (Directory.Exists(runtime))
            Directory.Delete(runtime, recursive: true);
    }

    /// <summary>Mount points at or below one of <paramref name="directories"/>, or whose options name a path in one, deepest first.</summary>
    public static IReadOnlyList<string> Referencing(IReadOnlyList<string> directories)
    {
        var roots = directories.Select(d => Path.GetFullPath(d).TrimEnd('/')).ToList();
        bool Below(string path) => roots.Any(r => path == r || path.StartsWith(r + "/", StringComparison.Ordinal));
        return File.ReadLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 4)
            .Where(f => Below(Unescape(f[4])) || f.Skip(5).Any(o => roots.Any(r => Unescape(o).Contains(r + "/", StringComparison.Ordinal))))
            .Select(f => Unescape(f[4]))
            .Distinct()
            .OrderByDescending(p => p.Length)
            .ToList();
    }

    /// <summary>
    /// Where img keeps runc's state and the bundles for a state directory: Img.Engine's
    /// RuntimeDirectory of the executor's directory <c>STATE/runc</c> (NodeEngine), that is
    /// /dev/shm/img- and 16 hex of that path's sha256.
    /// </summary>
    public static string RuntimeDirectory(string state) =>
        Path.Join("/dev/shm", "img-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.Join(Path.GetFullPath(state), "runc"))))[..16]);

    // mountinfo writes space, tab, newline and backslash as \040, \011, \012, \134
    private static string Unescape(string field) =>
        Octal().Replace(field, m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());

    [GeneratedRegex(@"\\([0-7]{3})")]
    private static partial Regex Octal();
}
