using MessagePack;

namespace Img.Messages.Client;

/// <summary>The client's answer to <c>ContextListRequest</c>: the listing document (a <c>ContextListingDocument</c>), or an error.</summary>
[MessagePackObject]
public sealed record ContextListing([property: Key(0)] long RequestId, [property: Key(1)] byte[] Listing, [property: Key(2)] string Error) : IClientMessage;
