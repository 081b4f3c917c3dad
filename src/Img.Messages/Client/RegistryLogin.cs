using MessagePack;

namespace Img.Messages.Client;

/// <summary>A registry credential from the client's docker config, carried for one push.</summary>
[MessagePackObject]
public sealed record RegistryLogin([property: Key(0)] string Registry, [property: Key(1)] string Username, [property: Key(2)] string Password, [property: Key(3)] string IdentityToken);
