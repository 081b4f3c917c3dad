using Img.Engine.Archive;
using Img.Engine.Content;

namespace Img.Engine.Context.Checksums;

/// <summary>
/// One path of a scanned tree: what lstat said when the tree was scanned, its children (sorted
/// by ordinal name) for a directory, and its digests once computed. Digests are memoized for the
/// life of the tree; a <see cref="Digest"/> is one reference, so publishing it is atomic and a
/// race only computes the same value twice.
/// </summary>
internal sealed class ContentNode
{
    private static readonly ContentNode[] NoChildren = [];

    public ContentNode(string name, string path, NodeStatus status, string? linkTarget)
    {
        Name = name;
        Path = path;
        Status = status;
        LinkTarget = linkTarget;
    }

    /// <summary>The base name (<c>""</c> for the root).</summary>
    public string Name { get; }

    /// <summary>Relative to the root, slash-separated (<c>""</c> for the root).</summary>
    public string Path { get; }

    public NodeStatus Status { get; }

    public string? LinkTarget { get; }

    public ContentNode[] Children { get; set; } = NoChildren;

    public ArchiveEntryType Type => Status.Type;

    public bool IsDirectory => Status.Type == ArchiveEntryType.Directory;

    public bool IsRegularFile => Status.Type == ArchiveEntryType.RegularFile;

    /// <summary>sha256 of a regular file's bytes.</summary>
    public Digest Content { get; set; }

    /// <summary>The digest that stands for this path in its parent: header + content, or header + children.</summary>
    public Digest Record { get; set; }

    /// <summary>A directory's own header digest (no children).</summary>
    public Digest Header { get; set; }

    /// <summary>The content digest may be persisted in the stat cache (not racy).</summary>
    public bool Persistable { get; set; }

    /// <summary>This node's digests came from the stat cache or were hashed by this instance.</summary>
    public bool Hashed => !Record.IsEmpty;

    public ContentNode? FindChild(string name)
    {
        int lo = 0, hi = Children.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = string.CompareOrdinal(Children[mid].Name, name);
            if (c == 0) return Children[mid];
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return null;
    }

    public override string ToString() => Path.Length == 0 ? "/" : Path;
}
