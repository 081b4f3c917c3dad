using MessagePack;

namespace Img.Messages.Client;

/// <summary>
/// The first frame a client sends a coordinator's client endpoint: the protocol version and the
/// cluster secret from its token (empty on an <c>--insecure</c> loopback cluster). Answered with
/// <c>ClientWelcome</c> or <c>ClientRefused</c> (then the connection closes).
/// </summary>
[MessagePackObject]
public sealed record ClientHello([property: Key(0)] int Version, [property: Key(1)] string Secret, [property: Key(2)] string Client) : IClientMessage;
