using MessagePack;

namespace Img.Messages.Nodes.Queries;

/// <summary>Questions to a node worker and their answers. Union tags are append-only.</summary>
[Union(0, typeof(GetNodeStatus))]
[Union(1, typeof(NodeStatusResult))]
public interface INodeQuery : IImgMessage;
