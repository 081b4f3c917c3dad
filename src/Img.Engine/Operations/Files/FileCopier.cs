using Img.Engine.Native;
using Img.Engine.Paths;
using System.Runtime.ExceptionServices;
using Img.Engine.Archive;
using Img.Engine.Context.Ignore;
using FileStatus = Img.Engine.Native.FileStatus;

namespace Img.Engine.Operations.Files;

/// <summary>
/// One copy of one source path to a destination with BuildKit's semantics (fsutil's
/// <c>copy.Copy</c>, <c>cp -a</c> style):
/// <list type="bullet">
/// <item>the destination's parent (or the destination itself when it ends in <c>/</c>) is created
/// first, owned per <c>--chown</c>, mode 0755 or the <c>--chmod</c> mode;</item>
/// <item>a file goes AT the destination unless that is an existing directory, then INTO it; a
/// directory goes into an existing destination unless only its contents are copied, in which case
/// the destination is created (0755) if missing and the source directory's times are put on it;</item>
/// <item>existing directories are merged (nested ones take the source's metadata; the top one only
/// its times), files and symlinks replaced, a file onto a directory or a directory onto a
/// non-directory is an error;</item>
/// <item>every written entry gets the source's owner (0:0 from the context) or the <c>--chown</c>
/// owner, the source's mode or the <c>--chmod</c> one (symlinks keep theirs), the source's times,
/// and its xattrs (best effort); hardlinks among the copied files stay hardlinks;</item>
/// <item>include/exclude patterns (<c>--parents</c>, <c>--exclude</c>) are matched on paths
/// relative to the source; directories that are not themselves included are created only when
/// something below them is.</item>
/// </list>
/// The tree is walked once in lexical order creating directories, links and special files;
/// regular files are then copied in parallel (reflink / copy_file_range through
/// <see cref="File.Copy(string, string)"/>), then hardlinks, then directory metadata bottom-up.
/// </summary>
internal sealed class FileCopier
{
    private const int ParallelThreshold = 16;

    private readonly CopySource _source;
    private readonly string _destRoot;
    private readonly CopyOptions _options;
    private readonly CancellationToken _ct;
    private readonly Dictionary<(ulong Device, ulong Inode), string> _inodes = [];
    private readonly List<PendingParent> _parents = [];
    private readonly List<FileCopy> _files = [];
    private readonly List<HardLink> _links = [];
    private readonly List<DirectoryFinish> _directories = [];

    private FileCopier(CopySource source, string destRoot, CopyOptions options, CancellationToken ct)
    {
        _source = source;
        _destRoot = destRoot;
        _options = options;
        _ct = ct;
    }

    private sealed class PendingParent(string source, string target, bool copied)
    {
        public string Source { get; } = source;
        public string Target { get; } = target;
        public bool Copied { get; set; } = copied;
    }

    private readonly record struct FileCopy(string Source, string Target, FileStatus Status);

    private readonly record struct HardLink(string Existing, string Source, string Target, FileStatus Status);

    private readonly record struct DirectoryFinish(string Source, string Target, FileStatus Status, bool TimesOnly);

    /// <summary>Copies <paramref name="sourcePath"/> (absolute, cleaned) of <paramref name="source"/> to <paramref name="destination"/> in <paramref name="destRoot"/>.</summary>
    /// <param name="destination">The destination as the action has it: absolute, a trailing <c>/</c> meaning a directory.</param>
    public static void Copy(CopySource source, string sourcePath, string destRoot, string destination, CopyOptions options, CancellationToken ct)
    {
        var copier = new FileCopier(source, destRoot, options, ct);
        try
        {
            copier.Run(sourcePath, destination);
        }
        catch (IOException e)
        {
            throw new FileOpException(copier.Trim(e.Message), e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new FileOpException(copier.Trim(e.Message), e);
        }
    }

    /// <summary>A destination cleaned like BuildKit's <c>cleanPath</c>: absolute, a trailing <c>/</c> or <c>/.</c> kept.</summary>
    internal static string CleanDestination(string destination)
    {
        string clean = GoPath.Clean("/" + destination);
        if (destination.EndsWith("/.", StringComparison.Ordinal))
            return clean == "/" ? "/." : clean + "/.";
        if (destination.EndsWith('/') && clean != "/") return clean + "/";
        return clean;
    }

    private void Run(string sourcePath, string destination)
    {
        string dest = CleanDestination(destination);
        uint directoryMode = (_options.Mode ?? 0x1ED /* 0755 */) & 0x1FF;
        var created = new List<string>();

        int slash = dest.LastIndexOf('/');
        string last = dest[(slash + 1)..];
        string ensure = last.Length > 0 && last != "." ? dest[..(slash + 1)] : dest;
        created.AddRange(DirectoryMaker.MkdirAll(_destRoot, ArchivePath.SecureJoin(_destRoot, ensure), directoryMode, _options.Owner, _options.Time));
        string target = ArchivePath.SecureJoin(_destRoot, GoPath.Clean(dest));

        string sourceHost = _source.Resolve(sourcePath, _options.FollowSymlinks);
        if (Posix.TryLStat(sourceHost) is not { } sourceStatus || !_source.IsVisible(sourceHost, sourceStatus))
            throw new FileOpException($"lstat {_source.Display(sourceHost)}: no such file or directory");

        var destStatus = Posix.TryLStat(target);
        if (destStatus is { IsSymlink: true }) destStatus = null; // dangling: every other link was resolved
        if ((!_options.CopyDirectoryContents && sourceStatus.IsDirectory && destStatus is not null)
            || (!sourceStatus.IsDirectory && destStatus is { IsDirectory: true }))
        {
            string name = sourcePath[(sourcePath.LastIndexOf('/') + 1)..];
            if (name.Length > 0) target = target + "/" + name;
        }
        string parent = _options.CopyDirectoryContents && sourceStatus.IsDirectory && destStatus is null
            ? target
            : target[..target.LastIndexOf('/')];
        if (parent.Length < _destRoot.Length) parent = _destRoot;
        created.AddRange(DirectoryMaker.MkdirAll(_destRoot, parent, directoryMode, _options.Owner, _options.Time));

        CopyEntry(sourceHost, "", target, overwriteTargetMetadata: false, default, default);
        Finish();

        if (_options.Time is { } time)
        {
            for (int i = created.Count - 1; i >= 0; i--) DirectoryMaker.SetTime(created[i], time);
        }
    }

    private void CopyEntry(string source, string relative, string target, bool overwriteTargetMetadata, MatchInfo parentInclude, MatchInfo parentExclude)
    {
        _ct.ThrowIfCancellationRequested();
        bool include = true, excluded = false;
        MatchInfo includeInfo = default, excludeInfo = default;
        if (relative.Length > 0)
        {
            if (_options.Include is { } inc) include = inc.MatchesUsingParentResults(relative, parentInclude, out includeInfo);
            if (_options.Exclude is { } exc && exc.MatchesUsingParentResults(relative, parentExclude, out excludeInfo))
            {
                include = false;
                excluded = true;
            }
            if (!include && _options.Include is null && _options.Exclude is not { HasExclusions: true }) return;
        }

        var status = Posix.TryLStat(source) ?? throw new FileOpException($"failed to stat {_source.Display(source)}: no such file or directory");
        if (!_source.IsVisible(source, status)) return;
        if (!include && !status.IsDirectory) return;

        var targetStatus = Posix.TryLStat(target);
        if (include) CreatePendingParents(overwriteTargetMetadata);

        if (!status.IsDirectory && targetStatus is { } existing)
        {
            if (existing.IsDirectory) throw new FileOpException($"cannot replace to directory {Display(target)} with file");
            File.Delete(target);
        }

        if (status.IsDirectory)
        {
            bool created = CopyDirectory(source, relative, target, status, overwriteTargetMetadata, include, excluded, includeInfo, excludeInfo);
            bool copyInfo = overwriteTargetMetadata ? include : created;
            if (copyInfo) _directories.Add(new DirectoryFinish(source, target, status, TimesOnly: false));
            else if (!overwriteTargetMetadata && targetStatus is not null) _directories.Add(new DirectoryFinish(source, target, status, TimesOnly: true));
            return;
        }

        switch (status.FileType)
        {
            case FileStatus.TypeRegular:
                if (status.Links > 1)
                {
                    if (_inodes.TryGetValue((status.Device, status.Inode), out string? first))
                    {
                        _links.Add(new HardLink(first, source, target, status));
                        return;
                    }
                    _inodes[(status.Device, status.Inode)] = target;
                }
                _files.Add(new FileCopy(source, target, status));
                return;
            case FileStatus.TypeSymlink:
                File.CreateSymbolicLink(target, new FileInfo(source).LinkTarget ?? "");
                break;
            default:
                // BuildKit clears the socket type bits from the mode before mknod: a socket becomes
                // an empty regular file and a block device a character device.
                int errno = Posix.TryMknod(target, status.Mode & ~FileStatus.TypeSocket, status.RdevMajor, status.RdevMinor);
                if (errno != 0) throw new FileOpException($"failed to create device {Display(target)}: errno {errno}");
                break;
        }
        ApplyInfo(status, source, target);
    }

    private bool CopyDirectory(string source, string relative, string target, FileStatus status, bool overwriteTargetMetadata,
        bool include, bool excluded, MatchInfo includeInfo, MatchInfo excludeInfo)
    {
        bool created = false;
        var pending = new PendingParent(source, target, copied: false);
        if (include)
        {
            created = CopyDirectoryOnly(target, status, overwriteTargetMetadata);
            pending.Copied = true;
        }
        _parents.Add(pending);
        try
        {
            if (excluded && _options.Exclude is not { HasExclusions: true }) return false;
            foreach (string name in CopySource.ListNames(source))
            {
                CopyEntry(source + "/" + name, relative.Length == 0 ? name : relative + "/" + name, target + "/" + name,
                    overwriteTargetMetadata: true, includeInfo, excludeInfo);
            }
        }
        finally
        {
            _parents.RemoveAt(_parents.Count - 1);
        }
        return created;
    }

    private bool CopyDirectoryOnly(string target, FileStatus status, bool overwriteTargetMetadata)
    {
        if (Posix.TryLStat(target) is not { } existing)
        {
            Directory.CreateDirectory(target);
            return true;
        }
        if (!existing.IsDirectory) throw new FileOpException($"cannot copy to non-directory: {Display(target)}");
        if (overwriteTargetMetadata) Posix.Chmod(target, status.Permissions);
        return false;
    }

    // Directories held back by include patterns are created once something below them is copied.
    private void CreatePendingParents(bool overwriteTargetMetadata)
    {
        foreach (var parent in _parents)
        {
            if (parent.Copied) continue;
            var status = Posix.TryLStat(parent.Source) ?? throw new FileOpException($"failed to stat {_source.Display(parent.Source)}");
            if (!status.IsDirectory) throw new FileOpException($"{_source.Display(parent.Source)} is not a directory");
            if (CopyDirectoryOnly(parent.Target, status, overwriteTargetMetadata)) ApplyInfo(status, parent.Source, parent.Target);
            parent.Copied = true;
        }
    }

    private void Finish()
    {
        if (_files.Count < ParallelThreshold || _options.MaxParallelCopies <= 1)
        {
            foreach (var file in _files) CopyFile(file);
        }
        else
        {
            try
            {
                Parallel.ForEach(_files, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelCopies, CancellationToken = _ct }, CopyFile);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            }
        }
        foreach (var link in _links)
        {
            Posix.Link(link.Existing, link.Target);
            ApplyInfo(link.Status, link.Source, link.Target);
        }
        foreach (var directory in _directories)
        {
            if (directory.TimesOnly) SetTimes(directory.Status, directory.Target);
            else ApplyInfo(directory.Status, directory.Source, directory.Target);
        }
    }

    private void CopyFile(FileCopy file)
    {
        File.Copy(file.Source, file.Target);
        ApplyInfo(file.Status, file.Source, file.Target);
    }

    /// <summary>Owner, then mode (chown clears setuid), then times, then xattrs (best effort).</summary>
    private void ApplyInfo(FileStatus status, string source, string target)
    {
        var owner = _options.Owner ?? (_source.IsContext ? FileOwner.Root : new FileOwner((int)status.Uid, (int)status.Gid));
        Posix.Lchown(target, (uint)owner.Uid, (uint)owner.Gid);
        if (!status.IsSymlink)
        {
            uint mode = _options.SymbolicMode is { } symbolic ? symbolic.Apply(status.Permissions, status.IsDirectory)
                : _options.Mode is { } octal ? octal & 0xFFF
                : status.Permissions;
            Posix.Chmod(target, mode);
        }
        SetTimes(status, target);
        CopyXattrs(source, target);
    }

    private void SetTimes(FileStatus status, string target)
    {
        if (_options.Time is { } time) DirectoryMaker.SetTime(target, time);
        else Posix.SetTimes(target, status.AtimeSeconds, status.AtimeNanoseconds, status.MtimeSeconds, status.MtimeNanoseconds);
    }

    private static void CopyXattrs(string source, string target)
    {
        try
        {
            foreach (string name in Posix.ListXattrs(source))
            {
                if (Posix.GetXattr(source, name) is { } value) Posix.TrySetXattr(target, name, value);
            }
        }
        catch (IOException)
        {
            // BuildKit logs xattr failures and goes on.
        }
    }

    private string Display(string hostPath) => CopySource.Inside(_destRoot, hostPath);

    private string Trim(string message) => message.Replace(_source.Root, "", StringComparison.Ordinal).Replace(_destRoot, "", StringComparison.Ordinal);
}
