using MessagePack;

namespace Img.Messages.Builds.Commands;

/// <summary>Stop a build: nothing more is scheduled and the build fails with "cancelled".</summary>
[MessagePackObject]
public sealed record CancelBuild([property: Key(0)] BuildId BuildId) : IBuildCommand;
