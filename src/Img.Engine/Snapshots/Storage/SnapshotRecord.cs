using System.Text.Json.Serialization;

namespace Img.Engine.Snapshots.Storage;

/// <summary>The metadata file of one snapshot, <c>metadata/&lt;sha256(key)&gt;.json</c> under the snapshotter's root.</summary>
internal sealed record SnapshotRecord
{
    [JsonPropertyName("key")] public required string Key { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("kind")] public required SnapshotKind Kind { get; init; }
    [JsonPropertyName("parent")] public string? Parent { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
    [JsonPropertyName("updated")] public DateTimeOffset Updated { get; init; }
    /// <summary>
    /// A merge snapshot's stacked snapshots (committed names, bottom first), between it and its
    /// parent: their chains are its lower layers above the parent's. Null for every other snapshot.
    /// </summary>
    [JsonPropertyName("stack")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Stack { get; init; }

    [JsonPropertyName("labels")] public Dictionary<string, string> Labels { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Process that owns an active snapshot or view (pid and its start time in clock ticks).</summary>
    [JsonPropertyName("ownerPid")] public int OwnerPid { get; init; }
    [JsonPropertyName("ownerStart")] public long OwnerStart { get; init; }

    public SnapshotInfo ToInfo() => new(Key, Parent, Kind, Created, Updated, Labels);
}
