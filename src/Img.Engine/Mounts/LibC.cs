using Img.Engine.Native;

namespace Img.Engine.Mounts;

/// <summary>
/// Forwarders to <see cref="Posix"/>, the one libc face, kept only for files the cluster work is
/// rewriting (<c>Worker/Exec/RunMounts.cs</c>, <c>Context/Remote/ContextMaterializer.cs</c>): once
/// they call <see cref="Posix"/>, delete this class.
/// </summary>
public static class LibC
{
    public static void Lchown(string path, uint uid, uint gid) => Posix.Lchown(path, uid, gid);

    public static void Chmod(string path, uint mode) => Posix.Chmod(path, mode);

    public static void SetTimes(string path, long atimeSec, uint atimeNsec, long mtimeSec, uint mtimeNsec) =>
        Posix.SetTimes(path, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
}
