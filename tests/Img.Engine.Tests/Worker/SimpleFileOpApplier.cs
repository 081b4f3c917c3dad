using Img.Engine.Archive;
using Img.Engine.Graph;
using Img.Engine.Mounts;
using Img.Engine.Worker.Files;

namespace Img.Engine.Tests.Worker;

/// <summary>
/// A deliberately small stand-in for the file-op engine, so the worker's file-op plumbing can be
/// tested before that engine lands: mkdir (with numeric chown), copy of one file or directory
/// (dest ending in "/" = into it), numeric <c>--chown</c> and <c>--chmod</c>. Times are kept.
/// </summary>
internal sealed class SimpleFileOpApplier : IFileOpApplier
{
    public Task ApplyAsync(FileOp op, string targetRoot, IReadOnlyDictionary<OpInput, FileOpSource> inputs, CancellationToken ct)
    {
        foreach (var action in op.Actions)
        {
            switch (action)
            {
                case FileMkdirAction mkdir:
                    var dir = ArchivePath.SecureJoin(targetRoot, ArchivePath.Clean(mkdir.Path));
                    if (!Directory.Exists(dir))
                    {
                        Directory.CreateDirectory(dir);
                        LibC.Chmod(dir, mkdir.Mode);
                        var (u, g) = Owner(mkdir.Chown);
                        LibC.Lchown(dir, u, g);
                    }
                    break;
                case FileCopyAction copy:
                    var source = inputs[copy.Source!];
                    var from = ArchivePath.SecureJoin(source.Root, ArchivePath.Clean(copy.SourcePath));
                    var dest = ArchivePath.Clean(copy.Dest);
                    var to = copy.Dest.EndsWith('/') || Directory.Exists(ArchivePath.SecureJoin(targetRoot, dest)) && File.Exists(from)
                        ? ArchivePath.SecureJoin(targetRoot, dest + "/" + Path.GetFileName(from))
                        : ArchivePath.SecureJoin(targetRoot, dest);
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    Copy(from, to, copy);
                    break;
                default:
                    throw new NotSupportedException(action.Kind);
            }
        }
        return Task.CompletedTask;
    }

    private static void Copy(string from, string to, FileCopyAction copy)
    {
        if (Directory.Exists(from))
        {
            Directory.CreateDirectory(to);
            foreach (var entry in Directory.EnumerateFileSystemEntries(from))
                Copy(entry, Path.Join(to, Path.GetFileName(entry)), copy);
            Attributes(from, to, copy);
            return;
        }
        File.Copy(from, to, overwrite: true);
        Attributes(from, to, copy);
    }

    private static void Attributes(string from, string to, FileCopyAction copy)
    {
        var st = LibC.LStat(from);
        LibC.Chmod(to, copy.Mode ?? st.Permissions);
        var (u, g) = copy.Chown is null ? (0u, 0u) : Owner(copy.Chown);
        LibC.Lchown(to, u, g);
        LibC.SetTimes(to, st.ModificationTime.ToUnixTimeSeconds(), 0, st.ModificationTime.ToUnixTimeSeconds(), 0);
    }

    private static (uint Uid, uint Gid) Owner(string? chown)
    {
        if (string.IsNullOrEmpty(chown))
            return (0, 0);
        var parts = chown.Split(':');
        var uid = uint.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        return (uid, parts.Length > 1 ? uint.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : uid);
    }
}
