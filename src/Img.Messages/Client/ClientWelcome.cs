using MessagePack;

namespace Img.Messages.Client;

/// <summary>The endpoint accepted the client: which coordinator it reached.</summary>
[MessagePackObject]
public sealed record ClientWelcome([property: Key(0)] string Coordinator, [property: Key(1)] int Version) : IClientMessage;
