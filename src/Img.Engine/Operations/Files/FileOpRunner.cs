using Img.Engine.Archive;
using Img.Engine.Context.Ignore;
using Img.Engine.Graph;
using Img.Engine.Native;
using Img.Engine.Paths;
using Img.Engine.Snapshots;

namespace Img.Engine.Operations.Files;

/// <summary>
/// Executes a <see cref="FileOp"/> the way BuildKit's file op backend does: its actions in order
/// on the target root (the writable root of the op's base, or an empty directory for scratch).
/// <list type="bullet">
/// <item>copy (<see cref="FileCopyAction"/>): wildcards expanded, ADD archives extracted, the rest
/// copied by <see cref="FileCopier"/>;</item>
/// <item>mkdir: with parents, each created directory gets the mode, owner and
/// <see cref="FileOpRunnerOptions.SourceDateEpoch"/>; an existing path is left alone;</item>
/// <item>mkfile: writes the data (mode and owner on a new file);</item>
/// <item>rm: removes (recursively), wildcards allowed, a missing path an error unless allowed.</item>
/// </list>
/// Every path resolves inside its root: a symlink in the destination pointing to <c>/etc</c> means the
/// root's <c>/etc</c>. Owner names resolve against the target root's passwd/group as it is when the
/// action runs.
/// </summary>
public sealed class FileOpRunner
{
    private readonly FileOpRunnerOptions _options;

    public FileOpRunner(FileOpRunnerOptions? options = null) => _options = options ?? new FileOpRunnerOptions();

    /// <summary>Applies <paramref name="op"/>'s actions in order to <paramref name="targetRoot"/>.</summary>
    /// <param name="inputs">The directory of each input a copy action reads (every <see cref="FileCopyAction.Source"/>).</param>
    /// <exception cref="FileOpException">An action failed (BuildKit's wording); earlier actions stay applied.</exception>
    public Task ApplyAsync(FileOp op, string targetRoot, IReadOnlyDictionary<OpInput, FileInputSource> inputs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(targetRoot);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var action in op.Actions)
        {
            if (action is FileCopyAction { Source: { } source } && !inputs.ContainsKey(source))
                throw new ArgumentException($"no directory given for input {source}", nameof(inputs));
        }
        return Task.Run(() => ApplyCoreAsync(op, targetRoot, inputs, ct), ct);
    }

    private async Task ApplyCoreAsync(FileOp op, string targetRoot, IReadOnlyDictionary<OpInput, FileInputSource> inputs, CancellationToken ct)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetRoot));
        Directory.CreateDirectory(root);
        // Names resolve against the action's base; the first action on scratch has none.
        bool scratch = op.Base is null;
        foreach (var action in op.Actions)
        {
            ct.ThrowIfCancellationRequested();
            switch (action)
            {
                case FileCopyAction copy:
                    await CopyAsync(copy, root, scratch, inputs, ct).ConfigureAwait(false);
                    break;
                case FileMkdirAction mkdir:
                    Mkdir(mkdir, root, scratch);
                    break;
                case FileMkfileAction mkfile:
                    Mkfile(mkfile, root, scratch);
                    break;
                case FileRmAction rm:
                    Rm(rm, root);
                    break;
                default:
                    throw new NotSupportedException($"file action {action.Kind} is not supported");
            }
            scratch = false;
        }
    }

    private async Task CopyAsync(FileCopyAction copy, string root, bool scratch, IReadOnlyDictionary<OpInput, FileInputSource> inputs, CancellationToken ct)
    {
        var owner = OwnerResolver.Resolve(copy.Chown, scratch ? null : root, _options.RequireKnownOwners);
        string? emptyDirectory = null;
        try
        {
            FileInputSource input;
            if (copy.Source is null)
            {
                emptyDirectory = Directory.CreateTempSubdirectory("img-scratch-").FullName;
                input = new FileInputSource(emptyDirectory);
            }
            else
            {
                input = inputs[copy.Source];
            }
            var source = new CopySource(input);
            var options = new CopyOptions
            {
                Owner = owner,
                Mode = copy.ModeString is null ? copy.Mode : null,
                SymbolicMode = copy.ModeString is { } text ? ParseMode(text) : null,
                CopyDirectoryContents = copy.CopyDirContentsOnly,
                FollowSymlinks = copy.FollowSymlinks,
                Include = Matcher(copy.IncludePatterns, "includepatterns"),
                Exclude = Matcher(copy.ExcludePatterns, "excludepatterns"),
                MaxParallelCopies = _options.MaxParallelCopies,
            };

            if (!copy.CreateDestPath)
            {
                string destHost = ArchivePath.SecureJoin(root, GoPath.Clean("/" + copy.Dest));
                string parent = destHost.Length > root.Length ? destHost[..destHost.LastIndexOf('/')] : root;
                if (parent.Length < root.Length) parent = root;
                if (Posix.TryLStat(parent) is null)
                    throw new FileOpException($"failed to stat {copy.Dest}: lstat {CopySource.Inside(root, parent)}: no such file or directory");
            }

            string sourcePath = source.Clean(copy.SourcePath);
            foreach (string required in copy.RequiredPaths)
            {
                string host = source.Resolve(source.Clean(required), followFinal: false);
                if (Posix.TryLStat(host) is not { } st || !source.IsVisible(host, st))
                    throw new FileOpException($"\"{required}\": not found");
            }

            var matches = copy.AllowWildcard
                ? WildcardResolver.Resolve(source.Root, sourcePath, copy.FollowSymlinks, source.IsVisible)
                : [sourcePath];
            if (matches.Count == 0)
            {
                if (copy.AllowEmptyWildcard) return;
                throw new FileOpException($"{sourcePath} not found");
            }

            foreach (string match in matches)
            {
                ct.ThrowIfCancellationRequested();
                if (copy.AttemptUnpack && await TryUnpackAsync(source, match, root, copy.Dest, owner, ct).ConfigureAwait(false)) continue;
                FileCopier.Copy(source, match, root, copy.Dest, options, ct);
            }
        }
        finally
        {
            if (emptyDirectory is not null) Directory.Delete(emptyDirectory, recursive: true);
        }
    }

    private static async Task<bool> TryUnpackAsync(CopySource source, string sourcePath, string root, string dest, FileOwner? owner, CancellationToken ct)
    {
        string host = source.Resolve(sourcePath, followFinal: true);
        if (Posix.TryLStat(host) is not { } status || !source.IsVisible(host, status)) return false;
        if (!await LocalArchive.IsArchiveAsync(host, ct).ConfigureAwait(false)) return false;
        string destHost = ArchivePath.SecureJoin(root, FileCopier.CleanDestination(dest));
        DirectoryMaker.MkdirAll(root, destHost, 0x1ED /* 0755 */, owner, null);
        try
        {
            await LocalArchive.ExtractAsync(host, destHost, owner, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is UnsafeArchiveEntryException or InvalidDataException or IOException or NotSupportedException)
        {
            throw new FileOpException($"failed to extract {sourcePath}: {e.Message.Replace(root, "", StringComparison.Ordinal)}", e);
        }
        return true;
    }

    private void Mkdir(FileMkdirAction mkdir, string root, bool scratch)
    {
        var owner = OwnerResolver.Resolve(mkdir.Chown, scratch ? null : root, _options.RequireKnownOwners);
        string path = ArchivePath.SecureJoin(root, GoPath.Clean("/" + mkdir.Path));
        uint mode = mkdir.Mode & 0x1FF;
        if (mkdir.MakeParents)
        {
            DirectoryMaker.MkdirAll(root, path, mode, owner, _options.SourceDateEpoch);
            return;
        }
        if (path.Length <= root.Length || Posix.TryLStat(path) is not null) return; // exists: nothing to do
        string parent = path[..path.LastIndexOf('/')];
        var parentStatus = Posix.TryLStat(parent);
        if (parentStatus is null) throw new FileOpException($"mkdir {CopySource.Inside(root, path)}: no such file or directory");
        if (!parentStatus.Value.IsDirectory) throw new FileOpException($"mkdir {CopySource.Inside(root, path)}: not a directory");
        DirectoryMaker.MkdirAll(root, path, mode, owner, _options.SourceDateEpoch);
    }

    private void Mkfile(FileMkfileAction mkfile, string root, bool scratch)
    {
        var owner = OwnerResolver.Resolve(mkfile.Chown, scratch ? null : root, _options.RequireKnownOwners);
        string path = ArchivePath.SecureJoin(root, GoPath.Clean("/" + mkfile.Path));
        string shown = CopySource.Inside(root, path);
        string parent = path.Length > root.Length ? path[..path.LastIndexOf('/')] : root;
        if (Posix.TryLStat(parent) is not { IsDirectory: true })
            throw new FileOpException($"open {shown}: no such file or directory");
        var existing = Posix.TryLStat(path);
        if (existing is { IsDirectory: true }) throw new FileOpException($"open {shown}: is a directory");
        try
        {
            File.WriteAllText(path, mkfile.Data);
            if (existing is null) Posix.Chmod(path, mkfile.Mode & 0x1FF);
            if (owner is { } o) Posix.Lchown(path, (uint)o.Uid, (uint)o.Gid);
        }
        catch (IOException e)
        {
            throw new FileOpException($"open {shown}: {e.Message.Replace(root, "", StringComparison.Ordinal)}", e);
        }
    }

    private static void Rm(FileRmAction rm, string root)
    {
        string clean = GoPath.Clean("/" + rm.Path);
        var paths = rm.AllowWildcard ? WildcardResolver.Resolve(root, clean, followLinks: false, visible: null) : [clean];
        foreach (string path in paths)
        {
            if (path == "/") throw new FileOpException("rmPath: invalid empty path");
            int slash = path.LastIndexOf('/');
            string parent = ArchivePath.SecureJoin(root, path[..(slash + 1)]);
            string host = parent + path[slash..];
            if (!rm.AllowNotFound && !Exists(root, host))
                throw new FileOpException($"stat {CopySource.Inside(root, host)}: no such file or directory");
            try
            {
                TreeRemover.RemoveAll(host);
            }
            catch (IOException e)
            {
                throw new FileOpException(e.Message.Replace(root, "", StringComparison.Ordinal), e);
            }
        }
    }

    // stat(2) inside the root: a symlink counts when its target (resolved in the root) exists.
    private static bool Exists(string root, string host)
    {
        if (Posix.TryLStat(host) is not { } st) return false;
        if (!st.IsSymlink) return true;
        return Posix.TryLStat(ArchivePath.SecureJoin(root, CopySource.Inside(root, host))) is not null;
    }

    private static SymbolicMode ParseMode(string text)
    {
        try
        {
            return SymbolicMode.Parse(text);
        }
        catch (FormatException e)
        {
            throw new FileOpException(e.Message, e);
        }
    }

    private static PatternMatcher? Matcher(IReadOnlyList<string> patterns, string what)
    {
        if (patterns.Count == 0) return null;
        try
        {
            return new PatternMatcher(patterns);
        }
        catch (IgnorePatternException e)
        {
            throw new FileOpException($"invalid {what}: [{string.Join(' ', patterns)}]: {e.Message}", e);
        }
    }
}
