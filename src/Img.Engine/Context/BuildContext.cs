using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Context.Checksums;
using Img.Engine.Context.Ignore;
using Img.Engine.Context.StatCache;
using Img.Engine.State;

namespace Img.Engine.Context;

/// <summary>
/// A local build context: a directory, the Dockerfile, and the <see cref="ContextFilter"/> from
/// its .dockerignore. It lists what is sent, turns COPY/ADD sources into paths that cannot leave
/// the context, and computes their content checksums.
/// <para>
/// Lifecycle: <see cref="Open"/> (or the constructor) costs nothing; the first call that needs the
/// tree scans it once (one lstat per path, symlinks never followed) and keeps that snapshot, so
/// every COPY of one build sees the same context; <see cref="Refresh"/> drops it. The first
/// checksum loads the stat cache (<c>&lt;state&gt;/cache/context/&lt;sha256(root)&gt;.stat</c>);
/// files whose stat is unchanged are not read, the rest are hashed in parallel, and the cache is
/// rewritten after a checksum that hashed something. Thread-safe: checksums run one at a time.
/// </para>
/// </summary>
public sealed class BuildContext : IChecksumSource, IDisposable
{
    /// <summary>The stat caches' folder under the state directory's cache root.</summary>
    public const string StatCacheDirectoryName = "context";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string? _statCacheDirectory;
    private ContentTree? _tree;
    private ContextStatCache? _cache;

    /// <param name="contextDirectory">The context root.</param>
    /// <param name="dockerfilePath">The Dockerfile (absolute, or relative to the current directory), or null for <c>&lt;context&gt;/Dockerfile</c>.</param>
    /// <param name="filter">What .dockerignore excludes.</param>
    /// <param name="statCacheDirectory">Where stat caches persist, or null to keep them in memory only.</param>
    public BuildContext(string contextDirectory, string? dockerfilePath, ContextFilter filter, string? statCacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(contextDirectory);
        ArgumentNullException.ThrowIfNull(filter);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(contextDirectory));
        DockerfilePath = Path.GetFullPath(dockerfilePath ?? Path.Combine(Root, "Dockerfile"));
        Filter = filter;
        _statCacheDirectory = statCacheDirectory;
    }

    /// <summary>
    /// Opens a context with the filter from its ignore file and the stat cache under
    /// <paramref name="state"/> (in memory only when null).
    /// </summary>
    /// <exception cref="IgnorePatternException">The ignore file has a malformed pattern.</exception>
    public static BuildContext Open(string contextDirectory, string? dockerfilePath, StateDirectory? state) =>
        new(contextDirectory, dockerfilePath, ContextFilter.Load(contextDirectory, dockerfilePath),
            state is null ? null : Path.Combine(state.CacheRoot, StatCacheDirectoryName));

    /// <summary>The context directory, absolute, no trailing slash.</summary>
    public string Root { get; }

    /// <summary>The Dockerfile, absolute (it may lie outside the context).</summary>
    public string DockerfilePath { get; }

    public ContextFilter Filter { get; }

    /// <summary>How recently changed a file may be and still be remembered; tests set zero.</summary>
    internal TimeSpan RacyWindow { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Files read for hashing by this instance (stat cache misses), across refreshes.</summary>
    internal long ContentReads => _readsBeforeRefresh + (_tree?.ContentReads ?? 0);

    private long _readsBeforeRefresh;

    /// <summary>
    /// The cleaned path of a source relative to the root (<c>""</c> for the root), refusing
    /// paths that climb out; absolute sources are taken from the root, as COPY does.
    /// </summary>
    /// <exception cref="ForbiddenContextPathException">The path climbs out of the context.</exception>
    public string ResolveSource(string source) => SourcePath.Clean(source);

    /// <summary>
    /// The host path for a source, lexically inside <see cref="Root"/>. Symlinks in it are not
    /// resolved: open it without following them (or go through <see cref="ArchivePath.SecureJoin"/>).
    /// </summary>
    /// <exception cref="ForbiddenContextPathException">The path climbs out of the context.</exception>
    public string GetHostPath(string source)
    {
        string clean = ResolveSource(source);
        return clean.Length == 0 ? Root : Root + "/" + clean;
    }

    /// <summary>Every path that is sent, parents before children, siblings in ordinal order (the root not included).</summary>
    public async Task<IReadOnlyList<ContextEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        var tree = await GetTreeAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ContextEntry>();
        Add(tree.Root);
        return list;

        void Add(ContentNode node)
        {
            foreach (var child in node.Children)
            {
                var s = child.Status;
                list.Add(new ContextEntry(child.Path, s.Type, (UnixFileMode)s.Permissions, s.Uid, s.Gid,
                    s.Type == ArchiveEntryType.RegularFile ? s.Size : 0, s.ModificationTime, child.LinkTarget));
                Add(child);
            }
        }
    }

    /// <summary>
    /// Whether .dockerignore leaves out any path of the directory, from the same scan as
    /// <see cref="ListAsync"/> (no scan at all without patterns): when not, the directory is exactly
    /// what is sent and can be read in place.
    /// </summary>
    public async Task<bool> LeavesOutAnythingAsync(CancellationToken cancellationToken = default)
    {
        if (Filter.Patterns.Count == 0)
            return false;
        return (await GetTreeAsync(cancellationToken).ConfigureAwait(false)).LeftOut;
    }

    /// <summary>
    /// What a remote worker needs to recreate the parts of the context under <paramref name="roots"/>
    /// (cleaned paths, <c>""</c> for everything): those entries, their parent directories, and the
    /// content digest of every regular file (hashed through the stat cache, as checksums are).
    /// A root that is missing is left out; a root reached through a symbolic link brings the whole
    /// context, since the link may point anywhere in it.
    /// </summary>
    public async Task<IReadOnlyList<ContextFileEntry>> ListForTransferAsync(IReadOnlyList<string> roots, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tree = _tree ??= Scan(cancellationToken);
            var selected = new List<ContentNode>();
            var whole = roots.Count == 0;
            foreach (var root in roots)
            {
                var clean = SourcePath.Clean(root);
                if (clean.Length == 0 || PassesLink(tree, clean))
                {
                    whole = true;
                    break;
                }
                if (tree.Resolve(clean, followTrailing: false) is { } node)
                    selected.Add(node);
            }
            if (whole)
                selected = [tree.Root];
            try
            {
                await tree.EnsureHashedAsync(selected, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                tree.SaveCacheIfDirty();
                _cache = tree.Cache;
            }
            var entries = new SortedDictionary<string, ContextFileEntry>(StringComparer.Ordinal);
            foreach (var node in selected)
            {
                AddParents(tree, node.Path, entries);
                Add(node, entries);
            }
            return [.. entries.Values];
        }
        finally
        {
            _gate.Release();
        }

        static void Add(ContentNode node, SortedDictionary<string, ContextFileEntry> into)
        {
            if (node.Path.Length > 0)
                into[node.Path] = Entry(node);
            foreach (var child in node.Children)
                Add(child, into);
        }

        static void AddParents(ContentTree tree, string path, SortedDictionary<string, ContextFileEntry> into)
        {
            var current = tree.Root;
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < parts.Length - 1 && current is not null; i++)
            {
                current = current.FindChild(parts[i]);
                if (current is not null)
                    into[current.Path] = Entry(current);
            }
        }

        static ContextFileEntry Entry(ContentNode node)
        {
            var s = node.Status;
            return new ContextFileEntry(node.Path, s.Type, s.Permissions, s.Uid, s.Gid, s.Type == ArchiveEntryType.RegularFile ? s.Size : 0,
                s.ModificationTimeNs, node.LinkTarget, node.IsRegularFile ? node.Content.ToString() : null);
        }
    }

    // a symbolic link on the way to a path (not the path itself): the selection may read anywhere
    private static bool PassesLink(ContentTree tree, string clean)
    {
        var current = tree.Root;
        foreach (var part in clean.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.Type == ArchiveEntryType.SymbolicLink)
                return true;
            var child = current.FindChild(part);
            if (child is null)
                return false;
            current = child;
        }
        return current.Type == ArchiveEntryType.SymbolicLink;
    }

    /// <inheritdoc/>
    public async ValueTask<Digest> ChecksumAsync(IReadOnlyList<string> paths, ChecksumOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var path in paths) SourcePath.Clean(path); // refuse escapes before any I/O
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tree = _tree ??= Scan(cancellationToken);
            try
            {
                return await SelectionChecksum.ComputeAsync(tree, paths, options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                tree.SaveCacheIfDirty();
                _cache = tree.Cache;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The checksum of one source.</summary>
    public ValueTask<Digest> ChecksumAsync(string path, ChecksumOptions? options = null, CancellationToken cancellationToken = default) =>
        ChecksumAsync([path], options ?? ChecksumOptions.Default, cancellationToken);

    /// <summary>Forgets the scanned tree, so the next call sees the directory as it is now.</summary>
    public void Refresh()
    {
        _gate.Wait();
        try
        {
            _readsBeforeRefresh += _tree?.ContentReads ?? 0;
            _tree = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ContentTree> GetTreeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _tree ??= Scan(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private ContentTree Scan(CancellationToken cancellationToken)
    {
        var root = TreeScanner.Scan(Root, Filter, out var leftOut, cancellationToken);
        return new ContentTree(Root, root, LoadCache) { RacyWindow = RacyWindow, LeftOut = leftOut };
    }

    // Loaded once per instance; a refreshed tree starts from the cache the last one saved.
    private ContextStatCache LoadCache() => _cache ??=
        _statCacheDirectory is null ? ContextStatCache.InMemory(Root) : ContextStatCache.Load(_statCacheDirectory, Root);

    public void Dispose() => _gate.Dispose();
}
