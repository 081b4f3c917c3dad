using Img.Engine.Native;

namespace Img.Engine.Snapshots;

/// <summary>Deletes a directory tree without following symlinks, fixing permissions that would block deletion.</summary>
internal static class TreeRemover
{
    public static void RemoveAll(string path)
    {
        FileStatus? st = Posix.TryLStat(path);
        if (st is null)
        {
            return;
        }
        if (!st.Value.IsDirectory)
        {
            File.Delete(path);
            return;
        }
        // Make sure we can list and unlink in directories such as overlay's "work/work" (mode 000)
        // even when not privileged.
        if ((st.Value.Permissions & 0x1C0) != 0x1C0)
        {
            try
            {
                Posix.Chmod(path, st.Value.Permissions | 0x1C0);
            }
            catch (IOException)
            {
            }
        }
        foreach (string entry in Directory.EnumerateFileSystemEntries(path).ToList())
        {
            RemoveAll(entry);
        }
        Directory.Delete(path);
    }
}
