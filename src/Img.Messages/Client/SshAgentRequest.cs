using MessagePack;

namespace Img.Messages.Client;

/// <summary>
/// The coordinator relays a node's request frame for the client's ssh agent <see cref="Id"/> on
/// the step's connection <see cref="Connection"/>; answered with <c>SshAgentReply</c>. A null
/// <see cref="Request"/> closes that connection.
/// </summary>
[MessagePackObject]
public sealed record SshAgentRequest(
    [property: Key(0)] long RequestId,
    [property: Key(1)] string Id,
    [property: Key(2)] string Connection,
    [property: Key(3)] byte[]? Request) : IClientMessage;
