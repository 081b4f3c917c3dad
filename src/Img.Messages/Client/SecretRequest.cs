using MessagePack;

namespace Img.Messages.Client;

/// <summary>The coordinator asks the client for a build secret, for a node that runs a step mounting it; answered with <c>SecretValue</c>.</summary>
[MessagePackObject]
public sealed record SecretRequest([property: Key(0)] long RequestId, [property: Key(1)] string Id) : IClientMessage;
