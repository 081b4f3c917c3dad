using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>
/// The target is done; Target is its result (for Dockerfile builds, the export vertex's).
/// CacheRecords: the results a <c>--cache-to</c> writes (the build asked with <c>StartBuild.CacheExport</c>), in graph order.
/// </summary>
[MessagePackObject]
public sealed record BuildCompleted(
    [property: Key(0)] BuildId BuildId,
    [property: Key(1)] CacheResult Target,
    [property: Key(2)] long DurationMs,
    [property: Key(3)] IReadOnlyList<ExportedCacheRecord>? CacheRecords = null) : IBuildEvent;
