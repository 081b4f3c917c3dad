using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>
/// A node tells every coordinator's scheduler, once a second, that it is there and what it can
/// take: the first one registers it. <see cref="Draining"/>: it takes no new vertices (SIGTERM).
/// </summary>
/// <param name="Worker">The worker's actor path, where schedulers send <c>RunVertex</c>.</param>
/// <param name="BlobEndpoint">The base URL of its blob server.</param>
/// <param name="Executed">Vertices it has run since it started.</param>
/// <param name="Platforms">The platforms its steps can run (<c>os/arch[/variant]</c>, natively or emulated); null: any (an older node).</param>
[MessagePackObject]
public sealed record NodeHeartbeat(
    [property: Key(0)] string Node,
    [property: Key(1)] string Worker,
    [property: Key(2)] string BlobEndpoint,
    [property: Key(3)] int Slots,
    [property: Key(4)] int Running,
    [property: Key(5)] int Queued,
    [property: Key(6)] long Executed,
    [property: Key(7)] bool Draining,
    [property: Key(8)] long BlobBytes,
    [property: Key(9)] long SnapshotBytes,
    [property: Key(10)] IReadOnlyList<string>? Platforms = null) : INodeEvent;
