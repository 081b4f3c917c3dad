using Img.Messages.Builds;
using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>
/// A node asks a build's coordinator for the files of a local context it must read: the selections
/// of one vertex. The coordinator gets the listing (and the files it lacks) from the build's
/// client and answers <c>ContextOpened</c> with the listing blob, served by its blob endpoint.
/// </summary>
[MessagePackObject]
public sealed record OpenContext([property: Key(0)] BuildId BuildId, [property: Key(1)] string Source, [property: Key(2)] IReadOnlyList<SelectionSpec> Selections) : IBuildSessionMessage;
