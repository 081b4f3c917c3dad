namespace Img.Engine.Worker;

/// <summary>What a <see cref="SnapshotReference"/> points at.</summary>
public enum SnapshotReferenceKind
{
    Scratch,
    Local,
    Snapshot,
}
