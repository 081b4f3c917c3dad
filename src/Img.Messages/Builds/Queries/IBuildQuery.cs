using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Queries;

/// <summary>Questions to a running build and their answers. Union tags are append-only.</summary>
[Union(0, typeof(GetBuildStatus))]
[Union(1, typeof(BuildStatusResult))]
public interface IBuildQuery : IWithBuildId, IImgMessage;
