using Img.Engine.Native;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Mounts;
using Img.Engine.Oci;

namespace Img.Engine.Context.Remote;

/// <summary>
/// Recreates the entries of a <see cref="ContextListingDocument"/> in a directory on a worker: the files'
/// bytes from the content store (the ones it lacks are fetched first, verified by digest),
/// directories, symbolic links as written (never followed), then owners, modes and modification
/// times, directories last so writing into them does not move their times. Every path is checked
/// before anything is written: absolute paths, <c>..</c> and paths through a listed symbolic link
/// are refused, so nothing lands outside the directory.
/// </summary>
public static class ContextMaterializer
{
    /// <param name="fetchMissing">Brings the given digests into <paramref name="store"/> (verified), from wherever the caller knows.</param>
    /// <exception cref="InvalidDataException">The listing has an unsafe path or a file without a digest.</exception>
    public static async Task MaterializeAsync(ContextListingDocument listing, IContentStore store,
        Func<IReadOnlyList<Descriptor>, CancellationToken, Task> fetchMissing, string target, CancellationToken cancellationToken)
    {
        var entries = Validate(listing);
        var missing = new List<Descriptor>();
        foreach (var entry in entries.Where(e => e.Type == ArchiveEntryType.RegularFile).DistinctBy(e => e.Digest))
        {
            var digest = Content.Digest.Parse(entry.Digest!);
            if (!await store.ExistsAsync(digest, cancellationToken).ConfigureAwait(false))
                missing.Add(new Descriptor { MediaType = "application/octet-stream", Digest = digest.ToString(), Size = entry.Size });
        }
        if (missing.Count > 0)
            await fetchMissing(missing, cancellationToken).ConfigureAwait(false);

        Directory.CreateDirectory(target);
        foreach (var entry in entries)
        {
            var path = Path.Join(target, entry.Path);
            switch (entry.Type)
            {
                case ArchiveEntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case ArchiveEntryType.RegularFile:
                    var descriptor = new Descriptor { MediaType = "application/octet-stream", Digest = entry.Digest!, Size = entry.Size };
                    await using (var reader = await store.OpenAsync(descriptor, cancellationToken).ConfigureAwait(false))
                    await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                        await reader.Stream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    break;
                case ArchiveEntryType.SymbolicLink:
                    File.CreateSymbolicLink(path, entry.LinkTarget ?? "");
                    break;
                default:
                    continue; // devices, fifos and sockets are not sent (COPY skips them too)
            }
            Posix.Lchown(path, (uint)entry.Uid, (uint)entry.Gid);
            if (entry.Type != ArchiveEntryType.SymbolicLink)
                Posix.Chmod(path, (uint)(entry.Mode & 0xFFF));
            if (entry.Type != ArchiveEntryType.Directory)
                SetTime(path, entry.ModificationTimeNs);
        }
        foreach (var entry in entries.Where(e => e.Type == ArchiveEntryType.Directory).Reverse())
            SetTime(Path.Join(target, entry.Path), entry.ModificationTimeNs);
    }

    private static void SetTime(string path, long ns)
    {
        var seconds = Math.DivRem(ns, 1_000_000_000L, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += 1_000_000_000L;
        }
        Posix.SetTimes(path, seconds, (uint)rest, seconds, (uint)rest);
    }

    private static List<ContextFileEntry> Validate(ContextListingDocument listing)
    {
        var links = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = listing.Entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        foreach (var entry in entries)
        {
            if (entry.Path.Length == 0 || entry.Path.StartsWith('/') || !IsClean(entry.Path) || entry.Path.Split('/').Any(p => p is ".." or "." or ""))
                throw new InvalidDataException($"context listing: refusing unsafe path \"{entry.Path}\"");
            if (!seen.Add(entry.Path))
                throw new InvalidDataException($"context listing: \"{entry.Path}\" is listed twice");
            for (var parent = Parent(entry.Path); parent.Length > 0; parent = Parent(parent))
            {
                if (links.Contains(parent))
                    throw new InvalidDataException($"context listing: refusing \"{entry.Path}\" below the symbolic link \"{parent}\"");
            }
            if (entry.Type == ArchiveEntryType.SymbolicLink)
                links.Add(entry.Path);
            if (entry.Type == ArchiveEntryType.RegularFile && (entry.Digest is null || !Content.Digest.TryParse(entry.Digest, out _)))
                throw new InvalidDataException($"context listing: file \"{entry.Path}\" has no valid digest");
        }
        return entries;
    }

    // a path that climbs out makes Clean throw the tar reader's exception: a listing's caller expects InvalidDataException
    private static bool IsClean(string path)
    {
        try
        {
            return ArchivePath.Clean(path) == path;
        }
        catch (UnsafeArchiveEntryException)
        {
            return false;
        }
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }
}
