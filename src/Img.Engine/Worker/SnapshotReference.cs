namespace Img.Engine.Worker;

/// <summary>
/// How a <see cref="Solver.CacheResult.SnapshotId"/> names a filesystem: <c>""</c> = scratch (empty),
/// <c>local:NAME</c> = the local context <c>NAME</c> served by this process (never copied into a
/// snapshot), anything else = the name of a committed snapshot.
/// </summary>
public readonly record struct SnapshotReference(SnapshotReferenceKind Kind, string Name)
{
    public const string LocalPrefix = "local:";

    public static SnapshotReference Scratch { get; } = new(SnapshotReferenceKind.Scratch, "");

    public static SnapshotReference Parse(string snapshotId) =>
        string.IsNullOrEmpty(snapshotId) ? Scratch
        : snapshotId.StartsWith(LocalPrefix, StringComparison.Ordinal) ? new(SnapshotReferenceKind.Local, snapshotId[LocalPrefix.Length..])
        : new(SnapshotReferenceKind.Snapshot, snapshotId);

    public static string ForLocal(string name) => LocalPrefix + name;

    /// <summary>The committed snapshot name, or null for scratch; a local context is refused.</summary>
    public string? SnapshotOrNull(string usedAs) => Kind switch
    {
        SnapshotReferenceKind.Scratch => null,
        SnapshotReferenceKind.Snapshot => Name,
        _ => throw new InvalidOperationException($"the local context \"{Name}\" cannot be used as {usedAs}"),
    };

    public override string ToString() => Kind switch
    {
        SnapshotReferenceKind.Scratch => "",
        SnapshotReferenceKind.Local => LocalPrefix + Name,
        _ => Name,
    };
}
