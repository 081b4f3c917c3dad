using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>
/// A node relays one request frame of a step's connection to the client's ssh agent
/// (<c>RUN --mount=type=ssh</c>) through the build's coordinator; answered with
/// <see cref="SshAgentExchanged"/>. A null <see cref="Request"/> says the step closed the connection.
/// </summary>
[MessagePackObject]
public sealed record ExchangeSshAgent(
    [property: Key(0)] BuildId BuildId,
    [property: Key(1)] string Id,
    [property: Key(2)] string Connection,
    [property: Key(3)] byte[]? Request) : IBuildSessionMessage;
