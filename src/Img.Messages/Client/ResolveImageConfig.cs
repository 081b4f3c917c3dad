using MessagePack;

namespace Img.Messages.Client;

/// <summary>
/// The client asks the coordinator for a base image's config and the digest its name resolves
/// to (the Dockerfile's FROM), so a client converting a Dockerfile needs no registry round trip of
/// its own: the coordinator's warm registry clients answer, and remember the answer a little while.
/// Answered with <c>ImageConfigResolved</c>.
/// </summary>
/// <param name="Platform">The platform as <c>os/arch[/variant]</c>.</param>
/// <param name="Logins">The client's login for the image's registry, if it has one.</param>
[MessagePackObject]
public sealed record ResolveImageConfig(
    [property: Key(0)] long RequestId,
    [property: Key(1)] string Reference,
    [property: Key(2)] string Platform,
    [property: Key(3)] IReadOnlyList<RegistryLogin> Logins,
    [property: Key(4)] IReadOnlyList<string> InsecureRegistries) : IClientMessage;
