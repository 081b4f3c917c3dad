using Img.Messages.Vertices;
using MessagePack;

namespace Img.Messages.Vertices.Events;

/// <summary>What a vertex entity persists and reports to the builds that asked it. Union tags are append-only.</summary>
[Union(0, typeof(VertexRecorded))]
[Union(1, typeof(VertexSolved))]
[Union(2, typeof(VertexSolveFailed))]
[Union(3, typeof(VertexExecutionStarted))]
[Union(4, typeof(VertexOutput))]
[Union(5, typeof(VertexForgotten))]
public interface IVertexEvent : IWithCacheKey, IImgMessage;
