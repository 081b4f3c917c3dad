using Img.Engine.Native;

namespace Img.Engine.Mounts;

/// <summary>
/// Forwarders to <see cref="Posix"/>, the one libc face, kept only for files the cluster work is
/// rewriting (<c>Worker/Exec/RunMounts.cs</c>, <c>Context/Remote/ContextMaterializer.cs</c>, the
/// transfer tests): once they call <see cref="Posix"/>, delete this class.
/// </summary>
public static class LibC
{
    public static FileStatus LStat(string path) => Posix.LStat(path);

    public static void Lchown(string path, uint uid, uint gid) => Posix.Lchown(path, uid, gid);

    public static void Chmod(string path, uint mode) => Posix.Chmod(path, mode);

    public static void Mknod(string path, uint mode, uint major, uint minor) => Posix.Mknod(path, mode, major, minor);

    public static void SetTimes(string path, long atimeSec, uint atimeNsec, long mtimeSec, uint mtimeNsec) =>
        Posix.SetTimes(path, atimeSec, atimeNsec, mtimeSec, mtimeNsec);

    public static byte[]? GetXattr(string path, string name) => Posix.GetXattr(path, name);

    public static void SetXattr(string path, string name, ReadOnlySpan<byte> value) => Posix.SetXattr(path, name, value);
}
