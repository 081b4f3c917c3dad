using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Commands;

/// <summary>Commands to a build coordinator (or to the builds entry actor, which starts one). Union tags are append-only.</summary>
[Union(0, typeof(StartBuild))]
[Union(1, typeof(CancelBuild))]
public interface IBuildCommand : IWithBuildId, IImgMessage;
