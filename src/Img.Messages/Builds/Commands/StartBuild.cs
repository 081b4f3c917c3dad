using MessagePack;

namespace Img.Messages.Builds.Commands;

/// <summary>Start a build of a graph; the sender receives its progress (<c>IBuildEvent</c>s) until <c>BuildCompleted</c> or <c>BuildFailed</c>. Context names the build context the checksums are taken from (a local directory in standalone mode).</summary>
[MessagePackObject]
public sealed record StartBuild([property: Key(0)] BuildId BuildId, [property: Key(1)] byte[] Graph, [property: Key(2)] string Context) : IBuildCommand;
