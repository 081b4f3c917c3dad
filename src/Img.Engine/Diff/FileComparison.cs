using Img.Engine.Mounts;

namespace Img.Engine.Diff;

/// <summary>Decides whether two entries of the same type are the same for a layer diff.</summary>
internal static class FileComparison
{
    /// <summary>Xattrs that belong to the overlay implementation, never to the image.</summary>
    public static bool IsPrivateXattr(string name) =>
        name.StartsWith("trusted.overlay.", StringComparison.Ordinal) ||
        name.StartsWith("user.overlay.", StringComparison.Ordinal) ||
        name.StartsWith("user.fuseoverlayfs.", StringComparison.Ordinal);

    /// <summary>Same mode, owner, mtime and (image) xattrs; for files also size, device numbers, link target and, when mtimes are ambiguous, content.</summary>
    public static bool Same(string lowerPath, FileStatus lower, string upperPath, FileStatus upper)
    {
        if (lower.Mode != upper.Mode || lower.Uid != upper.Uid || lower.Gid != upper.Gid)
        {
            return false;
        }
        if (lower.MtimeSeconds != upper.MtimeSeconds || lower.MtimeNanoseconds != upper.MtimeNanoseconds)
        {
            return false;
        }
        if (!upper.IsDirectory)
        {
            // A changed link count means a hardlink was added or removed: the entry must be written
            // so the layer keeps the link.
            if (lower.Size != upper.Size || lower.RdevMajor != upper.RdevMajor || lower.RdevMinor != upper.RdevMinor ||
                lower.Links != upper.Links)
            {
                return false;
            }
        }
        if (!SameXattrs(lowerPath, upperPath))
        {
            return false;
        }
        if (upper.IsSymlink)
        {
            return new FileInfo(lowerPath).LinkTarget == new FileInfo(upperPath).LinkTarget;
        }
        if (upper.IsRegular && lower.Inode == upper.Inode && lower.Device == upper.Device)
        {
            return true;
        }
        if (upper.IsRegular && lower.MtimeNanoseconds == 0)
        {
            // Whole-second mtimes (e.g. unpacked from a tar): equal metadata proves nothing.
            return SameContent(lowerPath, upperPath, upper.Size);
        }
        return true;
    }

    public static bool SameXattrs(string a, string b)
    {
        var na = LibC.ListXattrs(a).Where(n => !IsPrivateXattr(n)).Order(StringComparer.Ordinal).ToList();
        var nb = LibC.ListXattrs(b).Where(n => !IsPrivateXattr(n)).Order(StringComparer.Ordinal).ToList();
        if (!na.SequenceEqual(nb))
        {
            return false;
        }
        foreach (string n in na)
        {
            byte[]? va = LibC.GetXattr(a, n);
            byte[]? vb = LibC.GetXattr(b, n);
            if (va is null != vb is null || (va is not null && !va.AsSpan().SequenceEqual(vb)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool SameContent(string a, string b, long size)
    {
        if (size == 0)
        {
            return true;
        }
        using var fa = new FileStream(a, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        using var fb = new FileStream(b, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        byte[] ba = new byte[1 << 16], bb = new byte[1 << 16];
        while (true)
        {
            int na = fa.ReadAtLeast(ba, ba.Length, throwOnEndOfStream: false);
            int nb = fb.ReadAtLeast(bb, bb.Length, throwOnEndOfStream: false);
            if (na != nb || !ba.AsSpan(0, na).SequenceEqual(bb.AsSpan(0, nb)))
            {
                return false;
            }
            if (na == 0)
            {
                return true;
            }
        }
    }
}
