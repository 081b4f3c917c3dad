using System.Text.RegularExpressions;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>
/// Mounts a killed node left behind: run as root, a node mounts its snapshots (overlayfs) in the
/// host's mount namespace, and SIGKILL gives it no chance to unmount them. They must go before its
/// state directory can be removed.
/// </summary>
public static partial class Mounts
{
    /// <summary>Every mount point at or below <paramref name="directory"/>, deepest first.</summary>
    public static IReadOnlyList<string> Below(string directory)
    {
        var root = Path.GetFullPath(directory).TrimEnd('/');
        return File.ReadLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 4)
            .Select(f => Unescape(f[4]))
            .Where(p => p == root || p.StartsWith(root + "/", StringComparison.Ordinal))
            .Distinct()
            .OrderByDescending(p => p.Length)
            .ToList();
    }

    /// <summary>Lazily unmounts everything below <paramref name="directory"/>; fails with umount's message.</summary>
    public static async Task UnmountBelowAsync(string directory)
    {
        foreach (var mount in Below(directory))
            (await ProcessRunner.ToolAsync("umount", "-l", mount)).AssertSuccess();
    }

    // mountinfo writes space, tab, newline and backslash as \040, \011, \012, \134
    private static string Unescape(string field) =>
        Octal().Replace(field, m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());

    [GeneratedRegex(@"\\([0-7]{3})")]
    private static partial Regex Octal();
}
