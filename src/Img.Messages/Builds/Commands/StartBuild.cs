using Img.Messages.Builds.Sessions;
using MessagePack;

namespace Img.Messages.Builds.Commands;

/// <summary>
/// Start a build of a graph; the sender receives its progress (<c>IBuildEvent</c>s) until
/// <c>BuildCompleted</c> or <c>BuildFailed</c>. Context names the build context the checksums are
/// taken from. <see cref="Checksums"/>: the content checksums the client computed of every
/// selection the graph reads from its local contexts (a remote client's build; null when the
/// coordinator's process serves the context itself, standalone).
/// </summary>
[MessagePackObject]
public sealed record StartBuild(
    [property: Key(0)] BuildId BuildId,
    [property: Key(1)] byte[] Graph,
    [property: Key(2)] string Context,
    [property: Key(3)] IReadOnlyList<ContextChecksum>? Checksums = null) : IBuildCommand;
