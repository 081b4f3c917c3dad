using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>What a build reports to its requester: progress per vertex and the outcome. Union tags are append-only.</summary>
[Union(0, typeof(BuildStarted))]
[Union(1, typeof(VertexStarted))]
[Union(2, typeof(VertexCached))]
[Union(3, typeof(VertexCompleted))]
[Union(4, typeof(VertexFailed))]
[Union(5, typeof(VertexLog))]
[Union(6, typeof(BuildCompleted))]
[Union(7, typeof(BuildFailed))]
[Union(8, typeof(BuildWarning))]
public interface IBuildEvent : IWithBuildId, IImgMessage;
