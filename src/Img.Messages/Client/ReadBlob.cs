using Img.Engine.Oci;
using MessagePack;

namespace Img.Messages.Client;

/// <summary>The client asks for a blob a node holds (<see cref="Location"/>: its name, or "" for any); answered with <c>BlobChunk</c>s.</summary>
[MessagePackObject]
public sealed record ReadBlob([property: Key(0)] long RequestId, [property: Key(1)] Descriptor Blob, [property: Key(2)] string Location) : IClientMessage;
