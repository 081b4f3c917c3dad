using MessagePack;

namespace Img.Messages.Scheduling.Queries;

/// <summary>One node as a scheduler knows it from its heartbeats.</summary>
[MessagePackObject]
public sealed record NodeLoad(
    [property: Key(0)] string Node,
    [property: Key(1)] string Address,
    [property: Key(2)] int Slots,
    [property: Key(3)] int Running,
    [property: Key(4)] int Queued,
    [property: Key(5)] long Executed,
    [property: Key(6)] bool Draining,
    [property: Key(7)] long BlobBytes,
    [property: Key(8)] long SnapshotBytes,
    [property: Key(9)] bool Available,
    [property: Key(10)] IReadOnlyList<string>? Platforms = null);
