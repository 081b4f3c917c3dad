using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Builds.Queries;
using Img.Messages.Cache.Queries;
using Img.Messages.Nodes.Commands;
using Img.Messages.Nodes.Events;
using Img.Messages.Nodes.Queries;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;
using MessagePack;

namespace Img.Messages;

/// <summary>
/// Every message between CLI, coordinator and nodes. <c>ImgMessagePackSerializer</c> is bound to
/// this interface once (hocon/serialization.conf) and writes messages through this union, so
/// the tag identifies the type on the wire. Tags are append-only: never renumber or reuse one.
/// </summary>
[Union(0, typeof(StartBuild))]
[Union(1, typeof(CancelBuild))]
[Union(2, typeof(BuildStarted))]
[Union(3, typeof(VertexStarted))]
[Union(4, typeof(VertexCached))]
[Union(5, typeof(VertexCompleted))]
[Union(6, typeof(VertexFailed))]
[Union(7, typeof(VertexLog))]
[Union(8, typeof(BuildCompleted))]
[Union(9, typeof(BuildFailed))]
[Union(10, typeof(GetBuildStatus))]
[Union(11, typeof(BuildStatusResult))]
[Union(12, typeof(SolveVertex))]
[Union(13, typeof(VertexRecorded))]
[Union(14, typeof(VertexSolved))]
[Union(15, typeof(VertexSolveFailed))]
[Union(16, typeof(VertexExecutionStarted))]
[Union(17, typeof(VertexOutput))]
[Union(18, typeof(LookupVertex))]
[Union(19, typeof(LookupVertexResult))]
[Union(20, typeof(RunVertex))]
[Union(21, typeof(VertexRunCompleted))]
[Union(22, typeof(VertexRunFailed))]
[Union(23, typeof(GetNodeStatus))]
[Union(24, typeof(NodeStatusResult))]
[Union(25, typeof(ForgetVertex))]
[Union(26, typeof(VertexForgotten))]
[Union(27, typeof(ListCacheRecords))]
[Union(28, typeof(CacheRecordsResult))]
public interface IImgMessage;
