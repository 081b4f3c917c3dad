using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>The coordinator accepted the build and computed its cache keys.</summary>
[MessagePackObject]
public sealed record BuildStarted([property: Key(0)] BuildId BuildId, [property: Key(1)] int VertexCount) : IBuildEvent;
