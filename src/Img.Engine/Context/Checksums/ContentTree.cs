using System.Buffers;
using System.Text;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Context.StatCache;

namespace Img.Engine.Context.Checksums;

/// <summary>
/// A scanned tree and its digests: resolves paths inside it (symlinks followed without leaving
/// the root), hashes the regular files a checksum needs (stat cache first, then in parallel,
/// bounded by the core count), and combines directory digests bottom-up, memoized per node.
/// Callers serialize access (one checksum at a time); hashing inside is parallel.
/// </summary>
/// <remarks>
/// Records: a regular file is sha256(header digest ‖ content digest); a symlink, device or fifo
/// is its header digest; a directory is sha256 of its header digest, then for each child in
/// ordinal order <c>\0 name \0 record</c>. The root's header is the digest of nothing, so where
/// the context lives and its own mode do not matter.
/// </remarks>
internal sealed class ContentTree
{
    private const int SmallFile = 256 * 1024;
    private static readonly Digest EmptyHeader = Digest.Compute([]);

    private readonly Func<ContextStatCache> _loadCache;
    private ContextStatCache? _cache;
    private long _contentReads;

    public ContentTree(string rootPath, ContentNode root, Func<ContextStatCache> loadCache)
    {
        RootPath = rootPath;
        Root = root;
        _loadCache = loadCache;
    }

    public string RootPath { get; }

    public ContentNode Root { get; }

    /// <summary>Files whose bytes were read (stat cache misses).</summary>
    public long ContentReads => Interlocked.Read(ref _contentReads);

    /// <summary>
    /// A file is remembered only when its ctime and mtime are at least this much older than the
    /// moment its read began: a write in the same clock tick right after the read would not
    /// change the stat (file-system timestamps come from a coarse clock).
    /// </summary>
    public TimeSpan RacyWindow { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether the context's filter left out some path of the directory (the tree holds less than the directory).</summary>
    public bool LeftOut { get; init; }

    /// <summary>The stat cache as last loaded or saved (null before the first checksum).</summary>
    public ContextStatCache? Cache => _cache;

    /// <summary>New digests were computed since the stat cache was last saved.</summary>
    public bool Dirty { get; private set; }

    public string FullPath(ContentNode node) => node.Path.Length == 0 ? RootPath : RootPath + "/" + node.Path;

    /// <summary>
    /// Looks a cleaned path up: symlinks on the way are followed (an absolute target restarts at
    /// the root, <c>..</c> stops there), the last one only with <paramref name="followTrailing"/>.
    /// Null when the path is not in the tree (missing, excluded, or a dangling link).
    /// </summary>
    public ContentNode? Resolve(string path, bool followTrailing)
    {
        var pending = new List<string>();
        PushReversed(pending, path);
        var chain = new List<ContentNode> { Root };
        int hops = 0;
        while (pending.Count > 0)
        {
            string part = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (chain.Count > 1) chain.RemoveAt(chain.Count - 1);
                continue;
            }
            var current = chain[^1];
            if (!current.IsDirectory) return null;
            var child = current.FindChild(part);
            if (child is null) return null;
            bool last = pending.TrueForAll(p => p is "" or ".");
            if (child.Type == ArchiveEntryType.SymbolicLink && (!last || followTrailing))
            {
                if (++hops > ArchivePath.MaxSymlinkHops)
                    throw new IOException($"{path}: too many levels of symbolic links");
                string target = child.LinkTarget ?? "";
                if (target.StartsWith('/')) chain.RemoveRange(1, chain.Count - 1);
                PushReversed(pending, target);
                continue;
            }
            chain.Add(child);
        }
        return chain[^1];
    }

    private static void PushReversed(List<string> pending, string path)
    {
        var parts = path.Split('/');
        for (int i = parts.Length - 1; i >= 0; i--) pending.Add(parts[i]);
    }

    /// <summary>Makes sure every node under the given ones has its record digest.</summary>
    public async Task EnsureHashedAsync(IEnumerable<ContentNode> nodes, CancellationToken cancellationToken)
    {
        _cache ??= _loadCache();
        var pending = new List<ContentNode>();
        var roots = nodes.ToList();
        foreach (var node in roots) CollectUnhashed(node, pending);
        if (pending.Count > 0)
        {
            Dirty = true;
            // Big files first so one large file does not finish last on its own.
            pending.Sort((a, b) => b.Status.Size.CompareTo(a.Status.Size));
            var options = new ParallelOptions
            {
                MaxDegreeOfParallelism = Environment.ProcessorCount,
                CancellationToken = cancellationToken,
            };
            await Parallel.ForEachAsync(pending, options, (node, _) =>
            {
                HashFile(node);
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
        }
        foreach (var node in roots) ComputeRecord(node);
    }

    private void CollectUnhashed(ContentNode node, List<ContentNode> pending)
    {
        if (node.Hashed) return;
        if (node.IsRegularFile)
        {
            if (_cache!.TryGet(node.Path, KeyOf(node.Status), out var entry))
            {
                node.Content = entry.Content;
                node.Record = entry.Record;
                node.Persistable = true;
            }
            else
            {
                pending.Add(node);
            }
            return;
        }
        foreach (var child in node.Children) CollectUnhashed(child, pending);
    }

    internal static StatKey KeyOf(in NodeStatus s) =>
        new(s.Size, s.ModificationTimeNs, s.ChangeTimeNs, s.Inode, s.Mode, s.Uid, s.Gid);

    private void HashFile(ContentNode node)
    {
        string full = FullPath(node);
        long startedNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        Interlocked.Increment(ref _contentReads);
        Digest content;
        long read;
        using (var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            content = HashContent(handle, node.Status.Size, out read);
        }
        var header = FileHeader.Compute(node.Status, null, full);
        node.Content = content;
        long racy = RacyWindow.Ticks * 100;
        node.Persistable = read == node.Status.Size
            && node.Status.ChangeTimeNs + racy <= startedNs
            && node.Status.ModificationTimeNs + racy <= startedNs;
        node.Record = CombineFile(header, content);
    }

    private static Digest HashContent(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long expectedSize, out long total)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(SmallFile);
        try
        {
            total = 0;
            // Small files (the common case) in one read and one-shot hash.
            int n;
            while (total < buffer.Length && (n = RandomAccess.Read(handle, buffer.AsSpan((int)total), total)) > 0)
            {
                total += n;
            }
            if (total < buffer.Length)
            {
                return Digest.Compute(buffer.AsSpan(0, (int)total));
            }
            using var hasher = new DigestHasher();
            hasher.Append(buffer);
            while ((n = RandomAccess.Read(handle, buffer, total)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, n));
                total += n;
            }
            return hasher.Digest;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Digest CombineFile(Digest header, Digest content) =>
        Digest.Compute(Encoding.ASCII.GetBytes(header.Hex + content.Hex));

    /// <summary>The record digest of a node whose files are hashed (regular files are hashed here if not).</summary>
    public Digest ComputeRecord(ContentNode node)
    {
        if (node.Hashed) return node.Record;
        string full = FullPath(node);
        switch (node.Type)
        {
            case ArchiveEntryType.RegularFile:
                HashFile(node);
                Dirty = true;
                break;
            case ArchiveEntryType.Directory:
            {
                var header = node.Path.Length == 0 ? EmptyHeader : FileHeader.Compute(node.Status, null, full);
                using var hasher = new DigestHasher();
                hasher.Append(Encoding.ASCII.GetBytes(header.Hex));
                Span<byte> zero = [0];
                foreach (var child in node.Children)
                {
                    var record = ComputeRecord(child);
                    hasher.Append(zero);
                    hasher.Append(Encoding.UTF8.GetBytes(child.Name));
                    hasher.Append(zero);
                    hasher.Append(Encoding.ASCII.GetBytes(record.Hex));
                }
                node.Header = header;
                node.Record = hasher.Digest;
                break;
            }
            default:
                node.Header = FileHeader.Compute(node.Status, node.LinkTarget, full);
                node.Record = node.Header;
                break;
        }
        return node.Record;
    }

    /// <summary>
    /// Saves the stat cache if new digests were computed: every regular file of the tree hashed
    /// by this instance (and not racy), plus the old entries of unvisited files whose stat still
    /// matches. Deleted files drop out.
    /// </summary>
    public void SaveCacheIfDirty()
    {
        if (!Dirty || _cache is null) return;
        var entries = new List<KeyValuePair<string, StatCacheEntry>>();
        Collect(Root);
        _cache = _cache.Save(entries);
        Dirty = false;

        void Collect(ContentNode node)
        {
            if (node.IsRegularFile)
            {
                var key = KeyOf(node.Status);
                if (node.Hashed)
                {
                    if (node.Persistable) entries.Add(new(node.Path, new StatCacheEntry(key, node.Content, node.Record)));
                }
                else if (_cache!.TryGet(node.Path, key, out var old))
                {
                    entries.Add(new(node.Path, old));
                }
                return;
            }
            foreach (var child in node.Children) Collect(child);
        }
    }
}
