using MessagePack;

namespace Img.Messages.Nodes.Commands;

/// <summary>Work for a node worker. Union tags are append-only.</summary>
[Union(0, typeof(RunVertex))]
[Union(1, typeof(PublishResult))]
public interface INodeCommand : IImgMessage;
