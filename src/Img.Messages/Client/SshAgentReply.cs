using MessagePack;

namespace Img.Messages.Client;

/// <summary>The client's answer to <c>SshAgentRequest</c>: the agent's answer frame, or null and <see cref="Error"/>.</summary>
[MessagePackObject]
public sealed record SshAgentReply([property: Key(0)] long RequestId, [property: Key(1)] byte[]? Reply, [property: Key(2)] string Error) : IClientMessage;
