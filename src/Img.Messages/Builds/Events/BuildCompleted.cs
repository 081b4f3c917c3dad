using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>The target is done; Target is its result (for Dockerfile builds, the export vertex's).</summary>
[MessagePackObject]
public sealed record BuildCompleted([property: Key(0)] BuildId BuildId, [property: Key(1)] CacheResult Target, [property: Key(2)] long DurationMs) : IBuildEvent;
