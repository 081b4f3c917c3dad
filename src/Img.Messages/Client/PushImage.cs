using Img.Engine.Oci;
using MessagePack;

namespace Img.Messages.Client;

/// <summary>
/// The client asks for a built image to be pushed by the node that holds it, straight to the
/// registry, under each reference; the client's logins for those registries go along, for this
/// push only. Documents: blobs the client wrote that the node lacks (an inline cache's rewritten
/// config and manifest), stored on the node before the push. Answered with <c>ImagePushed</c>.
/// </summary>
[MessagePackObject]
public sealed record PushImage(
    [property: Key(0)] long RequestId,
    [property: Key(1)] Descriptor Manifest,
    [property: Key(2)] string Location,
    [property: Key(3)] IReadOnlyList<string> References,
    [property: Key(4)] IReadOnlyList<RegistryLogin> Logins,
    [property: Key(5)] IReadOnlyList<string> InsecureRegistries,
    [property: Key(6)] IReadOnlyList<byte[]>? Documents = null) : IClientMessage;
