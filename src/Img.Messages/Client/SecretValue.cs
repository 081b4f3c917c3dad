using MessagePack;

namespace Img.Messages.Client;

/// <summary>The client's answer to <c>SecretRequest</c>.</summary>
[MessagePackObject]
public sealed record SecretValue([property: Key(0)] long RequestId, [property: Key(1)] byte[]? Value, [property: Key(2)] string Error) : IClientMessage;
