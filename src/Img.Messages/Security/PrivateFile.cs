using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Img.Messages.Security;

/// <summary>
/// Files that hold private keys, the cluster secret or a token. They are written whole or not
/// at all (temp file created 0600, fsynced, renamed), and read only when no other user can read
/// or change them: a token or key readable by others is every node's root shell, and a token
/// writable by others lets them point the CLI at their own coordinator.
/// </summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OthersAccess =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>Creates the directory (0700) and its parents when missing.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="contents"/> (mode 0600).</summary>
    public static void Write(string path, string contents) => WriteCore(path, contents, overwrite: true);

    /// <summary>
    /// Creates <paramref name="path"/> with <paramref name="contents"/> (mode 0600) unless it
    /// exists; false when another process created it first (its file is kept).
    /// </summary>
    public static bool TryCreate(string path, string contents) => WriteCore(path, contents, overwrite: false);

    private static bool WriteCore(string path, string contents, bool overwrite)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        EnsureDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly };
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(contents));
                stream.Flush(flushToDisk: true);
            }
            if (overwrite)
            {
                File.Move(temp, path, overwrite: true);
                return true;
            }
            // without overwrite, File.Move refuses an existing target atomically (link, then unlink)
            try
            {
                File.Move(temp, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The text of <paramref name="path"/>, refusing a file that group or others may read or write.</summary>
    public static string Read(string path, string what)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            // the mode of the open file, so a swap between the check and the read changes nothing
            RequireOwnerOnly(handle, path, what);
            var length = RandomAccess.GetLength(handle);
            if (length > 1024 * 1024)
                throw new ClusterSecurityException($"{what} {path} is too large to be img cluster credentials");
            var buffer = new byte[length];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read), read);
                if (n == 0) break;
                read += n;
            }
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ClusterSecurityException($"{what} {path} does not exist", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ClusterSecurityException($"cannot read {what} {path}: permission denied", e);
        }
    }

    private static void RequireOwnerOnly(SafeFileHandle handle, string path, string what)
    {
        var mode = File.GetUnixFileMode(handle);
        if ((mode & OthersAccess) != 0)
            throw new ClusterSecurityException(
                $"{what} {path} is accessible to other users (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}); " +
                $"it holds cluster credentials: run chmod 600 {path}");
    }
}
