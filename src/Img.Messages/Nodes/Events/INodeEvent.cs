using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>What a node worker reports about the work it ran. Union tags are append-only.</summary>
[Union(0, typeof(VertexRunCompleted))]
[Union(1, typeof(VertexRunFailed))]
[Union(2, typeof(VertexRunning))]
[Union(3, typeof(SlotReleased))]
[Union(4, typeof(NodeHeartbeat))]
[Union(5, typeof(ResultPublished))]
public interface INodeEvent : IImgMessage;
