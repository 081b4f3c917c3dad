using MessagePack;

namespace Img.Messages.Client;

/// <summary>The answer to <c>ResolveImageConfig</c>: the image config (its JSON bytes) and the digest to pin, or the error.</summary>
[MessagePackObject]
public sealed record ImageConfigResolved([property: Key(0)] long RequestId, [property: Key(1)] byte[] Config, [property: Key(2)] string Digest, [property: Key(3)] string Error) : IClientMessage;
