using Img.Engine.Oci;
using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>The answer to <c>OpenContext</c>: the listing's descriptor (its file blobs are on the coordinator), or why not.</summary>
[MessagePackObject]
public sealed record ContextOpened([property: Key(0)] BuildId BuildId, [property: Key(1)] Descriptor? Listing, [property: Key(2)] string Error) : IBuildSessionMessage;
