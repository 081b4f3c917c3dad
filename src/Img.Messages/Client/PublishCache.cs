using Img.Engine.Oci;
using MessagePack;

namespace Img.Messages.Client;

/// <summary>
/// A cache export asks the node holding some results (<see cref="Location"/>) for their lineages:
/// each snapshot published (its layers as blobs, step layers in <see cref="Compression"/> at
/// <see cref="Level"/>, -1 = that compression's default). With a <see cref="Registry"/>, the node
/// also pushes every layer blob, and the blobs and manifests of <see cref="Images"/>, to
/// <see cref="Repository"/> there, with the client's logins (for this export only): the layers go
/// from where they are straight to the registry. Answered with <c>CachePublished</c>.
/// </summary>
[MessagePackObject]
public sealed record PublishCache(
    [property: Key(0)] long RequestId,
    [property: Key(1)] string Location,
    [property: Key(2)] IReadOnlyList<string> Snapshots,
    [property: Key(3)] string Compression,
    [property: Key(4)] int Level,
    [property: Key(5)] string Registry,
    [property: Key(6)] string Repository,
    [property: Key(7)] IReadOnlyList<RegistryLogin> Logins,
    [property: Key(8)] IReadOnlyList<string> InsecureRegistries,
    [property: Key(9)] IReadOnlyList<Descriptor> Images) : IClientMessage;
