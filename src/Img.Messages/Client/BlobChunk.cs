using MessagePack;

namespace Img.Messages.Client;

/// <summary>Part of a blob the client asked for; <see cref="Last"/> ends it, <see cref="Error"/> a failed read.</summary>
[MessagePackObject]
public sealed record BlobChunk([property: Key(0)] long RequestId, [property: Key(1)] byte[] Data, [property: Key(2)] bool Last, [property: Key(3)] string Error) : IClientMessage;
