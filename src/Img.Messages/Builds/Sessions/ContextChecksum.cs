using MessagePack;

namespace Img.Messages.Builds.Sessions;

/// <summary>The checksum the client took of one selection of a local source (<c>local:NAME</c> identifier).</summary>
[MessagePackObject]
public sealed record ContextChecksum([property: Key(0)] string Source, [property: Key(1)] SelectionSpec Selection, [property: Key(2)] string Digest);
