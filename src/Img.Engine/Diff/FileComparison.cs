using Img.Engine.Native;

namespace Img.Engine.Diff;

/// <summary>Decides whether two entries of the same type are the same for a layer diff.</summary>
internal static class FileComparison
{
    /// <summary>Xattrs that belong to the overlay implementation, never to the image.</summary>
    public static bool IsPrivateXattr(string name) =>
        name.StartsWith("trusted.overlay.", StringComparison.Ordinal) ||
        name.StartsWith("user.overlay.", StringComparison.Ordinal) ||
        name.StartsWith("user.fuseoverlayfs.", StringComparison.Ordinal);

    /// <summary>
    /// Whether an upper entry is unchanged from the lower one, by BuildKit's rule (the overlay
    /// differ's <c>sameDirent</c>, continuity's <c>sameFile</c> for the walking differ): same type
    /// and mode, owner, device numbers and <c>security.capability</c>; for non-directories also
    /// size and mtime (whole seconds, then nanoseconds; when both are whole seconds, as after a
    /// tar, the content or link target decides). A directory's mtime, a link count and other
    /// xattrs do not count: a directory that only saw a file come and go is not written, and a
    /// file that gained a hardlink is not rewritten (the new path is written in full).
    /// </summary>
    public static bool Same(string lowerPath, FileStatus lower, string upperPath, FileStatus upper)
    {
        if (lower.Mode != upper.Mode || lower.Uid != upper.Uid || lower.Gid != upper.Gid ||
            lower.RdevMajor != upper.RdevMajor || lower.RdevMinor != upper.RdevMinor)
        {
            return false;
        }
        if (!SameCapability(lowerPath, upperPath))
        {
            return false;
        }
        if (upper.IsDirectory)
        {
            return true;
        }
        if (lower.Size != upper.Size || lower.MtimeSeconds != upper.MtimeSeconds)
        {
            return false;
        }
        if (lower.MtimeNanoseconds == 0 && upper.MtimeNanoseconds == 0)
        {
            // Whole-second mtimes (e.g. unpacked from a tar): equal metadata proves nothing.
            if (upper.IsSymlink)
            {
                return new FileInfo(lowerPath).LinkTarget == new FileInfo(upperPath).LinkTarget;
            }
            return !upper.IsRegular || SameContent(lowerPath, upperPath, upper.Size);
        }
        return lower.MtimeNanoseconds == upper.MtimeNanoseconds;
    }

    private static bool SameCapability(string a, string b)
    {
        byte[]? ca = Posix.GetXattr(a, "security.capability");
        byte[]? cb = Posix.GetXattr(b, "security.capability");
        return ca is null ? cb is null || cb.Length == 0 : cb is not null ? ca.AsSpan().SequenceEqual(cb) : ca.Length == 0;
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
