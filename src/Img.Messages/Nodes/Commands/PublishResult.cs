using MessagePack;

namespace Img.Messages.Nodes.Commands;

/// <summary>
/// Ask the node that holds a snapshot to make it fetchable: its layers as blobs plus a result
/// manifest in the node's content store. Answered with <c>ResultPublished</c>.
/// </summary>
[MessagePackObject]
public sealed record PublishResult([property: Key(0)] string SnapshotId) : INodeCommand;
