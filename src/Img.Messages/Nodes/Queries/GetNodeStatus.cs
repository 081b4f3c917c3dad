using MessagePack;

namespace Img.Messages.Nodes.Queries;

/// <summary>Ask a node worker for its slots; answered with <c>NodeStatusResult</c>.</summary>
[MessagePackObject]
public sealed record GetNodeStatus : INodeQuery
{
    public static GetNodeStatus Instance { get; } = new();
}
