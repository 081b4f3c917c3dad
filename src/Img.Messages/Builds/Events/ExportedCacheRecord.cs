using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Builds.Events;

/// <summary>
/// A result a cache export writes: its key, its parents' keys, the result, whether it is an export
/// vertex's image, and whether <c>mode=min</c> exports it too (a layer of the final image).
/// </summary>
[MessagePackObject]
public sealed record ExportedCacheRecord(
    [property: Key(0)] CacheKey Key,
    [property: Key(1)] IReadOnlyList<CacheKey> Inputs,
    [property: Key(2)] CacheResult Result,
    [property: Key(3)] bool IsImage,
    [property: Key(4)] bool Minimal);
