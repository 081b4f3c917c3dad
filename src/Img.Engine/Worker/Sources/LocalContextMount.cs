using Img.Engine.Archive;
using Img.Engine.Context;
using Img.Engine.Native;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// A local context as <c>RUN --mount=type=bind</c> shows it: exactly what COPY sees, as BuildKit
/// mounts the context it received (what .dockerignore leaves out is not there). When nothing is
/// left out the directory itself is bound, read-only, nothing copied. Otherwise, and for a
/// writable mount (whose writes BuildKit throws away, and which must never reach the user's
/// files), the entries under the mounted path are recreated in the step's scratch space: hard
/// links to the files for a read-only mount (no data copied when the state and the context share
/// a file system), copies for a writable one. Directories and symlinks are recreated with their
/// owner and mode; sockets, fifos and devices are left out.
/// </summary>
public static class LocalContextMount
{
    public static async ValueTask<LocalContextView> OpenAsync(BuildContext context, string path, bool writable, string scratch, CancellationToken ct)
    {
        if (!writable && !await context.LeavesOutAnythingAsync(ct).ConfigureAwait(false))
            return new LocalContextView(context.Root, null);
        var entries = Select(await context.ListAsync(ct).ConfigureAwait(false), SourcePath.Clean(path));
        var destination = Path.Join(scratch, "context-mount-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(destination);
        try
        {
            Recreate(context.Root, entries, destination, link: !writable, ct);
        }
        catch
        {
            Delete(destination);
            throw;
        }
        return new LocalContextView(destination, null, () =>
        {
            Delete(destination);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>
    /// The entries under <paramref name="clean"/> and the directories above it; everything when the
    /// path is the root or passes a symlink (the mount follows it, and it may point anywhere inside).
    /// </summary>
    private static IReadOnlyList<ContextEntry> Select(IReadOnlyList<ContextEntry> entries, string clean)
    {
        if (clean.Length == 0)
            return entries;
        var parts = clean.Split('/');
        var above = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i <= parts.Length; i++)
            above.Add(string.Join('/', parts[..i]));
        if (entries.Any(e => e.Type == ArchiveEntryType.SymbolicLink && above.Contains(e.Path)))
            return entries;
        return entries.Where(e => above.Contains(e.Path) || e.Path.StartsWith(clean + "/", StringComparison.Ordinal)).ToList();
    }

    private static void Recreate(string root, IReadOnlyList<ContextEntry> entries, string destination, bool link, CancellationToken ct)
    {
        var directories = new List<(string Path, ContextEntry Entry)>();
        foreach (var entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            var source = root + "/" + entry.Path;
            var target = destination + "/" + entry.Path;
            switch (entry.Type)
            {
                case ArchiveEntryType.Directory:
                    Directory.CreateDirectory(target);
                    Posix.Chmod(target, (uint)entry.Mode);
                    Own(target, entry);
                    directories.Add((target, entry));
                    break;
                case ArchiveEntryType.RegularFile:
                    // one refusal (another file system, mostly) and the rest are copied without asking again
                    if (!link || !(link = TryLink(source, target)))
                    {
                        File.Copy(source, target);
                        Posix.Chmod(target, (uint)entry.Mode);
                        Own(target, entry);
                        SetTime(target, entry);
                    }
                    break;
                case ArchiveEntryType.SymbolicLink:
                    File.CreateSymbolicLink(target, entry.LinkTarget ?? "");
                    Own(target, entry);
                    SetTime(target, entry);
                    break;
            }
        }
        // after their contents were made, which touched them
        foreach (var (path, entry) in directories)
            SetTime(path, entry);
    }

    /// <summary>A hard link: the same file, read-only in the mount; false where links cannot be made (another file system).</summary>
    private static bool TryLink(string source, string target)
    {
        try
        {
            Posix.Link(source, target);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Own(string path, ContextEntry entry)
    {
        try
        {
            Posix.Lchown(path, (uint)entry.Uid, (uint)entry.Gid);
        }
        catch (IOException)
        {
            // an owner this user namespace cannot give keeps the one who made the copy
        }
    }

    private static void SetTime(string path, ContextEntry entry)
    {
        var seconds = Math.DivRem(entry.ModificationTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.TicksPerSecond, out var rest);
        Posix.SetTimes(path, seconds, (uint)(rest * 100), seconds, (uint)(rest * 100));
    }

    private static void Delete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the state's tmp directory is cleaned at the next start
        }
    }
}
