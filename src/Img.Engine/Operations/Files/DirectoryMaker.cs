using Img.Engine.Native;

namespace Img.Engine.Operations.Files;

/// <summary>
/// BuildKit's <c>MkdirAll</c> for file ops: creates the missing directories of an already
/// resolved host path, each with exactly <c>perm</c> (no umask), the given owner (none = the
/// process's, root) and time (none = now). An existing directory is left alone; an existing
/// non-directory is an error (<c>mkdir /x: not a directory</c>).
/// </summary>
internal static class DirectoryMaker
{
    /// <returns>The directories created, parents first.</returns>
    public static List<string> MkdirAll(string root, string hostPath, uint perm, FileOwner? owner, DateTimeOffset? time)
    {
        var missing = new Stack<string>();
        string path = hostPath;
        while (path.Length > root.Length)
        {
            var st = Posix.TryLStat(path);
            if (st is { IsSymlink: true } && Directory.Exists(path)) break; // a link to a directory (outside the resolved path only when dangling)
            if (st is { } existing)
            {
                if (existing.IsDirectory) break;
                throw new FileOpException($"mkdir {CopySource.Inside(root, path)}: not a directory");
            }
            missing.Push(path);
            path = path[..path.LastIndexOf('/')];
        }
        var created = new List<string>(missing.Count);
        while (missing.TryPop(out string? dir))
        {
            try
            {
                Directory.CreateDirectory(dir);
                Posix.Chmod(dir, perm);
                if (owner is { } o) Posix.Lchown(dir, (uint)o.Uid, (uint)o.Gid);
                if (time is { } t) SetTime(dir, t);
            }
            catch (IOException e)
            {
                throw new FileOpException($"mkdir {CopySource.Inside(root, dir)}: {e.Message}", e);
            }
            created.Add(dir);
        }
        return created;
    }

    /// <summary>Sets access and modification time (not following a final symlink).</summary>
    public static void SetTime(string path, DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        uint nanos = (uint)(rest * 100);
        Posix.SetTimes(path, seconds, nanos, seconds, nanos);
    }
}
