using MessagePack;

namespace Img.Messages.Scheduling.Queries;

/// <summary>Questions to a scheduler and their answers. Union tags are append-only.</summary>
[Union(0, typeof(GetClusterStatus))]
[Union(1, typeof(ClusterStatusResult))]
public interface ISchedulingQuery : IImgMessage;
