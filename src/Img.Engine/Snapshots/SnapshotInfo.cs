namespace Img.Engine.Snapshots;

/// <summary>What a snapshotter knows about one snapshot.</summary>
/// <param name="Key">The snapshot's key (active, view) or name (committed).</param>
/// <param name="Parent">The committed parent's name, or null for a snapshot with no parent.</param>
public sealed record SnapshotInfo(
    string Key,
    string? Parent,
    SnapshotKind Kind,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    IReadOnlyDictionary<string, string> Labels);
