using MessagePack;

namespace Img.Messages.Nodes.Commands;

/// <summary>
/// A node that holds a result: its name (a <c>CacheResult.Location</c>), its worker (an actor
/// path, asked to publish the result as blobs) and its blob endpoint (a base URL serving its
/// content store in the distribution API's shape).
/// </summary>
[MessagePackObject]
public sealed record ResultHolder([property: Key(0)] string Node, [property: Key(1)] string Worker, [property: Key(2)] string BlobEndpoint);
