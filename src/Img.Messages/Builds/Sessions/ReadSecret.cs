using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>A node asks a build's coordinator for a secret (<c>RUN --mount=type=secret</c>), for one step, kept in memory.</summary>
[MessagePackObject]
public sealed record ReadSecret([property: Key(0)] BuildId BuildId, [property: Key(1)] string Id) : IBuildSessionMessage;
