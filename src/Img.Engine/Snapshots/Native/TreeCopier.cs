using Img.Engine.Mounts;
using Img.Engine.Native;

namespace Img.Engine.Snapshots.Native;

/// <summary>
/// Copies a directory tree exactly: file types (regular, directory, symlink, fifo, character and
/// block devices), permission bits including setuid/setgid/sticky, owners, extended attributes,
/// hardlinks (files sharing an inode stay linked) and access/modification times (directories
/// after their contents). Sockets are skipped; device nodes that cannot be created (no
/// CAP_MKNOD) are skipped.
/// </summary>
public static class TreeCopier
{
    /// <summary>Copies the contents and attributes of <paramref name="source"/> into the existing directory <paramref name="destination"/>.</summary>
    public static void Copy(string source, string destination, CancellationToken ct = default)
    {
        var links = new Dictionary<(ulong Dev, ulong Ino), string>();
        FileStatus root = Posix.LStat(source);
        Directory.CreateDirectory(destination);
        CopyDirectory(source, destination, links, ct);
        ApplyAttributes(source, destination, root);
    }

    /// <summary>
    /// Lays the tree <paramref name="source"/> over the existing tree <paramref name="destination"/>
    /// as a layer applies: directories present in both are merged and take the source's attributes,
    /// any other entry of the source replaces what is at its path (a directory replaces a symlink,
    /// and the reverse). The destination's root keeps its own attributes.
    /// </summary>
    public static void CopyOver(string source, string destination, CancellationToken ct = default)
    {
        var links = new Dictionary<(ulong Dev, ulong Ino), string>();
        MergeDirectory(source, destination, links, ct);
    }

    private static void MergeDirectory(string src, string dst, Dictionary<(ulong, ulong), string> links, CancellationToken ct)
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(src))
        {
            ct.ThrowIfCancellationRequested();
            string target = Path.Join(dst, Path.GetFileName(entry));
            FileStatus st = Posix.LStat(entry);
            if (Posix.TryLStat(target) is { } existing)
            {
                if (st.IsDirectory && existing.IsDirectory)
                {
                    MergeDirectory(entry, target, links, ct);
                    ApplyAttributes(entry, target, st);
                    continue;
                }
                TreeRemover.RemoveAll(target);
            }
            CopyEntry(entry, target, st, links, ct);
        }
    }

    private static void CopyDirectory(string src, string dst, Dictionary<(ulong, ulong), string> links, CancellationToken ct)
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(src))
        {
            ct.ThrowIfCancellationRequested();
            CopyEntry(entry, Path.Join(dst, Path.GetFileName(entry)), Posix.LStat(entry), links, ct);
        }
    }

    private static void CopyEntry(string entry, string target, FileStatus st, Dictionary<(ulong, ulong), string> links, CancellationToken ct)
    {
        if (!st.IsDirectory && st.Links > 1)
        {
            if (links.TryGetValue((st.Device, st.Inode), out string? first))
            {
                Posix.Link(first, target);
                return;
            }
            links[(st.Device, st.Inode)] = target;
        }
        switch (st.FileType)
        {
            case FileStatus.TypeDirectory:
                Directory.CreateDirectory(target);
                CopyDirectory(entry, target, links, ct);
                break;
            case FileStatus.TypeRegular:
                File.Copy(entry, target);
                break;
            case FileStatus.TypeSymlink:
                File.CreateSymbolicLink(target, new FileInfo(entry).LinkTarget ?? "");
                break;
            case FileStatus.TypeFifo:
            case FileStatus.TypeCharDevice:
            case FileStatus.TypeBlockDevice:
                if (Posix.TryMknod(target, st.Mode, st.RdevMajor, st.RdevMinor) != 0)
                {
                    return; // unprivileged: no device nodes
                }
                break;
            default:
                return; // sockets
        }
        ApplyAttributes(entry, target, st);
    }

    /// <summary>Owner, then mode (chown clears setuid bits), then xattrs (chown clears security.capability), then times.</summary>
    internal static void ApplyAttributes(string src, string dst, FileStatus st)
    {
        try
        {
            Posix.Lchown(dst, st.Uid, st.Gid);
        }
        catch (IOException) when (!UserNamespace.IsRoot)
        {
            // Unprivileged copy: ownership cannot be kept.
        }
        if (!st.IsSymlink)
        {
            Posix.Chmod(dst, st.Permissions);
        }
        foreach (string name in Posix.ListXattrs(src))
        {
            byte[]? value = Posix.GetXattr(src, name);
            if (value is not null)
            {
                // trusted.* needs CAP_SYS_ADMIN and user.* is refused on symlinks: best effort.
                Posix.TrySetXattr(dst, name, value);
            }
        }
        Posix.SetTimes(dst, st.AtimeSeconds, st.AtimeNanoseconds, st.MtimeSeconds, st.MtimeNanoseconds);
    }
}
