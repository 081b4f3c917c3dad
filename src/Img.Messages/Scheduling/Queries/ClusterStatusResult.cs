using MessagePack;

namespace Img.Messages.Scheduling.Queries;

/// <summary>What <c>img cluster status</c> prints.</summary>
/// <param name="Coordinator">The coordinator that answered.</param>
/// <param name="CacheRecords">Cache records in the journal (-1: could not be counted).</param>
[MessagePackObject]
public sealed record ClusterStatusResult(
    [property: Key(0)] string Coordinator,
    [property: Key(1)] IReadOnlyList<MemberStatus> Members,
    [property: Key(2)] IReadOnlyList<NodeLoad> Nodes,
    [property: Key(3)] long CacheRecords,
    [property: Key(4)] int Builds,
    [property: Key(5)] int QueuedVertices) : ISchedulingQuery;
