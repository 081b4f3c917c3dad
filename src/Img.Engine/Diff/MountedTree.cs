using Img.Engine.Mounts;

namespace Img.Engine.Diff;

/// <summary>
/// A directory presenting a mount list for reading: the source itself for a single bind mount,
/// nothing for an empty list, otherwise a temporary mount (taken down on dispose).
/// </summary>
internal sealed class MountedTree : IDisposable
{
    private readonly MountLease? _lease;

    private MountedTree(string? directory, MountLease? lease)
    {
        Directory = directory;
        _lease = lease;
    }

    /// <summary>The directory, or null for an empty tree.</summary>
    public string? Directory { get; }

    public static MountedTree Open(IReadOnlyList<Mount> mounts)
    {
        if (mounts.Count == 0)
        {
            return new MountedTree(null, null);
        }
        if (mounts.Count == 1 && mounts[0].Type == "bind" && string.IsNullOrEmpty(mounts[0].Target))
        {
            return new MountedTree(mounts[0].Source, null);
        }
        MountLease lease = Mounter.MountTemporary(mounts);
        return new MountedTree(lease.Directory, lease);
    }

    public void Dispose() => _lease?.Dispose();
}
