using Img.Messages.Vertices;
using MessagePack;

namespace Img.Messages.Vertices.Commands;

/// <summary>Commands to a vertex entity, routed by cache key. Union tags are append-only.</summary>
[Union(0, typeof(SolveVertex))]
[Union(1, typeof(ForgetVertex))]
public interface IVertexCommand : IWithCacheKey, IImgMessage;
