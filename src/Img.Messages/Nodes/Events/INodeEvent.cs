using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>What a node worker reports about the work it ran. Union tags are append-only.</summary>
[Union(0, typeof(VertexRunCompleted))]
[Union(1, typeof(VertexRunFailed))]
public interface INodeEvent : IImgMessage;
