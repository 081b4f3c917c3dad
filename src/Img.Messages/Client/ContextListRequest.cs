using Img.Messages.Builds.Sessions;
using MessagePack;

namespace Img.Messages.Client;

/// <summary>The coordinator asks the client for the listing of some selections of a local source; answered with <c>ContextListing</c>.</summary>
[MessagePackObject]
public sealed record ContextListRequest([property: Key(0)] long RequestId, [property: Key(1)] string Source, [property: Key(2)] IReadOnlyList<SelectionSpec> Selections) : IClientMessage;
