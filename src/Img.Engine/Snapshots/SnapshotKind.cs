namespace Img.Engine.Snapshots;

/// <summary>The state of a snapshot (containerd's <c>Kind</c>).</summary>
public enum SnapshotKind
{
    /// <summary>A read-only view of a committed parent; removed when done, never committed.</summary>
    View,

    /// <summary>A writable snapshot made by Prepare; becomes committed through Commit.</summary>
    Active,

    /// <summary>An immutable snapshot; may be the parent of active snapshots and views.</summary>
    Committed,
}
