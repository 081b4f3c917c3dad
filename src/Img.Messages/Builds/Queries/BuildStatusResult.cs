using MessagePack;

namespace Img.Messages.Builds.Queries;

/// <summary>Vertices of the build by state.</summary>
[MessagePackObject]
public sealed record BuildStatusResult([property: Key(0)] BuildId BuildId, [property: Key(1)] int Total, [property: Key(2)] int Done, [property: Key(3)] int Running, [property: Key(4)] bool Finished) : IBuildQuery;
