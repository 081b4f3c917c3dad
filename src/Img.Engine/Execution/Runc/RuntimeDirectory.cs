using System.Security.Cryptography;
using System.Text;
using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Execution.Runc;

/// <summary>
/// Where the runtime keeps what lives only while steps run (runc's state root and the bundles): <c>/dev/shm/img-&lt;hash of the state directory&gt;</c> when /dev/shm is a
/// tmpfs and that directory is this user's own, else the state directory itself. Each step
/// creates and removes a bundle and runc a state directory; on a disk file system removing a
/// directory frees a block, and with the <c>discard</c> mount option that waits for the device
/// (0.7-3 ms per rmdir on the benchmark VM). Nothing here outlives a reboot anyway, as with
/// runc's default root under <c>/run</c>. Each such directory names its state directory in a
/// <c>state</c> file; one whose state directory is gone (deleted, a test's) and that holds no
/// container is removed by the next runtime that starts.
/// </summary>
internal static class RuntimeDirectory
{
    private const string SharedMemory = "/dev/shm";

    /// <summary>The runtime directory for <paramref name="stateDirectory"/> (absolute), created when missing.</summary>
    public static string For(string stateDirectory)
    {
        var name = "img-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stateDirectory)))[..16];
        var candidate = Path.Join(SharedMemory, name);
        try
        {
            if (IsTmpfs(SharedMemory))
            {
                Directory.CreateDirectory(candidate, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                if (IsPrivate(candidate))
                {
                    var marker = Path.Join(candidate, StateFile);
                    if (!File.Exists(marker))
                        File.WriteAllText(marker, stateDirectory);
                    RemoveOrphans(candidate);
                    return candidate;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return stateDirectory;
    }

    private const string StateFile = "state";

    private static void RemoveOrphans(string keep)
    {
        foreach (var dir in Directory.EnumerateDirectories(SharedMemory, "img-*"))
        {
            try
            {
                if (dir == keep || !IsPrivate(dir) || !File.Exists(Path.Join(dir, StateFile)) ||
                    Directory.Exists(File.ReadAllText(Path.Join(dir, StateFile))))
                    continue;
                // runc/ and bundles/ must be empty: no container of any process is using it
                foreach (var sub in Directory.EnumerateDirectories(dir))
                    Directory.Delete(sub);
                foreach (var file in Directory.EnumerateFiles(dir))
                    File.Delete(file);
                Directory.Delete(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    // /dev/shm is world-writable and sticky: only a directory this user owns, not a symlink and
    // not writable by others, can be trusted (nobody else can then rename or replace it).
    private static bool IsPrivate(string path) =>
        Posix.TryLStat(path) is { IsDirectory: true } st && st.Uid == Posix.GetEffectiveUserId() && (st.Permissions & 0x12) == 0;

    private static bool IsTmpfs(string path) =>
        MountTable.Read().LastOrDefault(m => m.MountPoint == path) is { FsType: "tmpfs" };
}
