using MessagePack;

namespace Img.Messages.Client;

/// <summary>Part of a context file's content (its digest names it); <see cref="Last"/> ends the file, <see cref="Error"/> a failed read.</summary>
[MessagePackObject]
public sealed record ContextFileChunk([property: Key(0)] long RequestId, [property: Key(1)] string Digest, [property: Key(2)] byte[] Data, [property: Key(3)] bool Last, [property: Key(4)] string Error) : IClientMessage;
