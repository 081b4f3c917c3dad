using MessagePack;

namespace Img.Messages.Client;

/// <summary>The answer to <c>PublishCache</c>: one result manifest (<c>Transfer.ResultManifest</c> bytes) per snapshot asked, in order; or the error.</summary>
[MessagePackObject]
public sealed record CachePublished([property: Key(0)] long RequestId, [property: Key(1)] IReadOnlyList<byte[]> Manifests, [property: Key(2)] string Error) : IClientMessage;
