using Img.Engine.Native;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// The runc executable <c>runc run</c> is started from: a sealed in-memory copy of the installed
/// binary, made once per img process. runc protects itself from a container overwriting its
/// binary (CVE-2019-5736) by running <c>runc init</c> from such a copy; given a copy it finds
/// already sealed, it skips making its own per container (a bind mount, a remount, an unmount
/// and one more exec of its 10 MB binary: ~1.4 ms a step). Anything short-lived and started
/// without img (the reaper's kills, the stale sweep) uses the installed path: the copy goes
/// away with this process.
/// </summary>
internal static class RuncBinary
{
    // Exactly the seals runc checks for before it trusts a binary as its own clone.
    private const int RuncSeals = Posix.F_SEAL_SEAL | Posix.F_SEAL_SHRINK | Posix.F_SEAL_GROW | Posix.F_SEAL_WRITE;

    private static readonly Dictionary<string, string> Copies = new(StringComparer.Ordinal);

    /// <summary>The path to exec for <paramref name="installed"/>: its sealed copy, or itself when no copy can be made.</summary>
    public static string SealedCopyOf(string installed)
    {
        lock (Copies)
        {
            if (Copies.TryGetValue(installed, out var path))
                return path;
            try
            {
                var fd = Posix.CreateSealedMemoryFile("runc_cloned:/proc/self/exe", File.ReadAllBytes(installed), RuncSeals);
                path = $"/proc/{Environment.ProcessId}/fd/{fd}";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                path = installed;
            }
            Copies[installed] = path;
            return path;
        }
    }
}
