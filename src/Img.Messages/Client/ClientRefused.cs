using MessagePack;

namespace Img.Messages.Client;

/// <summary>The endpoint refused the client (bad token, unsupported version); the connection closes.</summary>
[MessagePackObject]
public sealed record ClientRefused([property: Key(0)] string Reason) : IClientMessage;
