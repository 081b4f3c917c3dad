using Img.Engine.Native;
using System.Formats.Tar;
using Img.Engine.Content;

namespace Img.Engine.Archive;

/// <summary>
/// Applies a layer tar (optionally gzip-compressed) onto a directory, never touching anything
/// outside it:
/// <list type="bullet">
/// <item>entry names are cleaned; <c>..</c> climbing out of the root is refused, absolute
/// names are taken relative to the root;</item>
/// <item>every parent path is resolved inside the root component by component
/// (<see cref="ArchivePath.SecureJoin"/>), so a symlink in the layer (or below it) that points
/// outside leads back inside; the final component is never followed: an existing file,
/// symlink or (for non-directories) directory there is replaced;</item>
/// <item>hardlink targets are resolved the same way and must exist inside the root;</item>
/// <item>OCI whiteouts delete from the lower layers, opaque markers empty a directory of
/// everything this layer did not write;</item>
/// <item>modes (setuid/setgid/sticky included), owners (when root), xattrs, and mtimes are
/// applied; device nodes only when root, otherwise skipped with a note.</item>
/// </list>
/// </summary>
public static class SafeUnpacker
{
    /// <summary>Mode of directories created implicitly for entries whose parents are not in the tar.</summary>
    public const UnixFileMode ImplicitDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Applies <paramref name="layer"/> onto <paramref name="root"/> (created if missing).</summary>
    /// <exception cref="UnsafeArchiveEntryException">An entry would escape the root; entries before it were applied.</exception>
    public static async ValueTask<UnpackResult> ApplyAsync(Stream layer, string root, UnpackOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("layers can only be applied on Linux");
        options ??= new UnpackOptions();
        var isRoot = Posix.IsRoot;
        var state = new State(
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)),
            options.Chown ?? isRoot,
            options.CreateDeviceNodes ?? isRoot,
            options.ApplyWhiteouts,
            options.Owner);
        Directory.CreateDirectory(state.Root);

        await using var decompressed = options.Decompress
            ? await Compression.OpenDecompressedAsync(layer, leaveOpen: true, cancellationToken).ConfigureAwait(false)
            : new PrefixedStream(ReadOnlyMemory<byte>.Empty, layer, leaveOpen: true);
        await using var hashing = new DigestingStream(decompressed, leaveOpen: true);
        var entries = 0;
        await using (var reader = new TarArchiveReader(hashing, leaveOpen: true))
        {
            while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
            {
                entries++;
                await ApplyEntryAsync(state, entry, reader.Data, cancellationToken).ConfigureAwait(false);
            }
        }
        // The diffID covers the whole uncompressed stream, end-of-archive padding included.
        await hashing.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);

        foreach (var (path, mtime, atime) in Enumerable.Reverse(state.DirectoryTimes))
            TrySetTimes(state, path, atime, mtime);
        return new UnpackResult(entries, state.Bytes, hashing.Digest, state.Notes);
    }

    private sealed class State(string root, bool chown, bool devices, bool whiteouts, (int Uid, int Gid)? owner)
    {
        public (int Uid, int Gid)? Owner { get; } = owner;
        public string Root { get; } = root;
        public bool Chown { get; } = chown;
        public bool Devices { get; } = devices;
        public bool Whiteouts { get; } = whiteouts;
        public long Bytes { get; set; }
        public List<string> Notes { get; } = [];
        public HashSet<string> Written { get; } = new(StringComparer.Ordinal);
        public List<(string Path, DateTimeOffset MTime, DateTimeOffset ATime)> DirectoryTimes { get; } = [];
    }

    private static async ValueTask ApplyEntryAsync(State state, ArchiveEntry entry, Stream? data, CancellationToken cancellationToken)
    {
        var relative = ArchivePath.Clean(entry.Name);
        if (relative.Length == 0) return; // the root itself keeps its own metadata
        var slash = relative.LastIndexOf('/');
        var parentRelative = slash < 0 ? "" : relative[..slash];
        var baseName = slash < 0 ? relative : relative[(slash + 1)..];

        var parent = Resolve(state, entry, parentRelative, followFinal: true);

        if (state.Whiteouts && Whiteouts.IsWhiteout(baseName))
        {
            ApplyWhiteout(state, entry, parent, parentRelative, baseName);
            return;
        }

        CreateParents(state, entry, parent);
        var target = parent + "/" + baseName;
        EnsureWithin(state, entry, target);
        RemoveConflicting(target, entry.Type);

        switch (entry.Type)
        {
            case ArchiveEntryType.Directory:
                if (!Directory.Exists(target)) Directory.CreateDirectory(target);
                break;
            case ArchiveEntryType.RegularFile:
                await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                {
                    if (data is not null) await data.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    state.Bytes += file.Length;
                }
                break;
            case ArchiveEntryType.SymbolicLink:
                File.CreateSymbolicLink(target, entry.LinkName ?? "");
                break;
            case ArchiveEntryType.HardLink:
                CreateHardLink(state, entry, target);
                state.Written.Add(relative);
                return; // shares the target's inode and metadata
            case ArchiveEntryType.CharacterDevice:
            case ArchiveEntryType.BlockDevice:
                if (!state.Devices)
                {
                    state.Notes.Add($"skipped device node {relative} ({entry.Type} {entry.DeviceMajor}:{entry.DeviceMinor}): not running as root");
                    return;
                }
                if (!TryCreateSpecial(state, entry, target, relative)) return;
                break;
            case ArchiveEntryType.Fifo:
                if (!TryCreateSpecial(state, entry, target, relative)) return;
                break;
        }
        state.Written.Add(relative);
        ApplyMetadata(state, entry, target, relative);
    }

    private static void ApplyWhiteout(State state, ArchiveEntry entry, string parent, string parentRelative, string baseName)
    {
        if (baseName == Whiteouts.OpaqueMarker)
        {
            if (!Directory.Exists(parent) || new DirectoryInfo(parent).LinkTarget is not null) return;
            foreach (var child in new DirectoryInfo(parent).EnumerateFileSystemInfos())
            {
                var childRelative = parentRelative.Length == 0 ? child.Name : parentRelative + "/" + child.Name;
                if (!state.Written.Contains(childRelative)) RemoveAll(child.FullName);
            }
            return;
        }
        if (baseName.StartsWith(Whiteouts.MetaPrefix, StringComparison.Ordinal)) return; // reserved
        var hidden = baseName[Whiteouts.Prefix.Length..];
        if (hidden.Length == 0 || hidden is "." or "..")
            throw new UnsafeArchiveEntryException(entry.Name, "malformed whiteout");
        var victim = parent + "/" + hidden;
        EnsureWithin(state, entry, victim);
        RemoveAll(victim);
    }

    private static void CreateHardLink(State state, ArchiveEntry entry, string target)
    {
        var linkName = entry.LinkName ?? throw new UnsafeArchiveEntryException(entry.Name, "hardlink without a target");
        var linkRelative = ArchivePath.Clean(linkName);
        if (linkRelative.Length == 0)
            throw new UnsafeArchiveEntryException(entry.Name, "hardlink to the root directory");
        var source = Resolve(state, entry, linkRelative, followFinal: false);
        var info = new FileInfo(source);
        if (Directory.Exists(source) && info.LinkTarget is null)
            throw new UnsafeArchiveEntryException(entry.Name, $"hardlink target {linkName} is a directory");
        if (!info.Exists && info.LinkTarget is null)
            throw new UnsafeArchiveEntryException(entry.Name, $"hardlink target {linkName} does not exist inside the root");
        Posix.Link(source, target);
    }

    private static bool TryCreateSpecial(State state, ArchiveEntry entry, string target, string relative)
    {
        var tarType = entry.Type switch
        {
            ArchiveEntryType.CharacterDevice => TarEntryType.CharacterDevice,
            ArchiveEntryType.BlockDevice => TarEntryType.BlockDevice,
            _ => TarEntryType.Fifo,
        };
        var special = new PaxTarEntry(tarType, relative) { Mode = entry.Mode };
        if (tarType != TarEntryType.Fifo)
        {
            special.DeviceMajor = entry.DeviceMajor;
            special.DeviceMinor = entry.DeviceMinor;
        }
        try
        {
            special.ExtractToFile(target, overwrite: false);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            state.Notes.Add($"skipped {entry.Type} {relative}: {e.Message}");
            return false;
        }
    }

    private static void ApplyMetadata(State state, ArchiveEntry entry, string target, string relative)
    {
        var isSymlink = entry.Type == ArchiveEntryType.SymbolicLink;
        if (state.Chown || state.Owner is not null)
        {
            var (uid, gid) = state.Owner ?? (entry.Uid, entry.Gid);
            try
            {
                Posix.Lchown(target, (uint)uid, (uint)gid);
            }
            catch (IOException e)
            {
                state.Notes.Add($"could not chown {relative} to {uid}:{gid}: {e.Message}");
            }
        }
        // After chown, which clears setuid/setgid.
        if (!isSymlink && !OperatingSystem.IsWindows())
            File.SetUnixFileMode(target, entry.Mode);
        foreach (var (name, value) in entry.Xattrs)
        {
            try
            {
                Posix.SetXattr(target, name, value);
            }
            catch (IOException e)
            {
                state.Notes.Add($"could not set xattr {name} on {relative}: {e.Message}");
            }
        }
        var atime = entry.AccessTime ?? entry.ModificationTime;
        if (entry.Type == ArchiveEntryType.Directory)
            state.DirectoryTimes.Add((target, entry.ModificationTime, atime));
        else
            TrySetTimes(state, target, atime, entry.ModificationTime);
    }

    private static void TrySetTimes(State state, string path, DateTimeOffset atime, DateTimeOffset mtime)
    {
        try
        {
            Posix.SetTimes(path, atime, mtime);
        }
        catch (IOException e)
        {
            state.Notes.Add($"could not set times on {path}: {e.Message}");
        }
    }

    /// <summary>Creates missing directories of an already-resolved parent path.</summary>
    private static void CreateParents(State state, ArchiveEntry entry, string parent)
    {
        if (Directory.Exists(parent)) return;
        var relative = parent.Length > state.Root.Length ? parent[(state.Root.Length + 1)..] : "";
        var current = state.Root;
        foreach (var part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + part;
            if (Directory.Exists(current)) continue;
            // SecureJoin resolved every existing symlink, so what is left does not exist yet
            // (or is a file, which the tar cannot put a child under).
            if (File.Exists(current) || new FileInfo(current).LinkTarget is not null)
                throw new UnsafeArchiveEntryException(entry.Name, $"{current} is not a directory");
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(current);
            else Directory.CreateDirectory(current, ImplicitDirectoryMode);
        }
    }

    /// <summary>Removes what is at <paramref name="target"/> unless it is a directory that a directory entry keeps.</summary>
    private static void RemoveConflicting(string target, ArchiveEntryType type)
    {
        var info = new FileInfo(target);
        var isLink = info.LinkTarget is not null;
        if (isLink)
        {
            File.Delete(target);
            return;
        }
        if (Directory.Exists(target))
        {
            if (type != ArchiveEntryType.Directory) Directory.Delete(target, recursive: true);
            return;
        }
        if (info.Exists) File.Delete(target);
    }

    private static void RemoveAll(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
            File.Delete(path);
        else if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }

    private static string Resolve(State state, ArchiveEntry entry, string relative, bool followFinal)
    {
        string resolved;
        try
        {
            resolved = ArchivePath.SecureJoin(state.Root, relative, followFinal);
        }
        catch (IOException e)
        {
            throw new UnsafeArchiveEntryException(entry.Name, e.Message, e);
        }
        EnsureWithin(state, entry, resolved);
        return resolved;
    }

    private static void EnsureWithin(State state, ArchiveEntry entry, string path)
    {
        if (!ArchivePath.IsWithin(state.Root, path))
            throw new UnsafeArchiveEntryException(entry.Name, $"it resolves to {path}, outside {state.Root}");
    }
}
