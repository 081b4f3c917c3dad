using MessagePack;

namespace Img.Messages.Client;

/// <summary>The coordinator asks the client for the content of context files it lacks, by digest; answered with <c>ContextFileChunk</c>s, each digest ending with a Last chunk.</summary>
[MessagePackObject]
public sealed record ContextFilesRequest([property: Key(0)] long RequestId, [property: Key(1)] IReadOnlyList<string> Digests) : IClientMessage;
