using MessagePack;

namespace Img.Messages.Scheduling.Queries;

/// <summary>Ask a coordinator how the cluster is doing; answered with <c>ClusterStatusResult</c>.</summary>
[MessagePackObject]
public sealed record GetClusterStatus : ISchedulingQuery
{
    public static GetClusterStatus Instance { get; } = new();
}
