using Img.Engine.Solver;

namespace Img.Engine.RemoteCache;

/// <summary>A result a cache export writes: its key, its parents' keys, and what the build has for it.</summary>
/// <param name="IsImage">The result is an export vertex's image (<see cref="CacheResult.Image"/>), not a filesystem.</param>
public sealed record CacheExportRecord(CacheKey Key, IReadOnlyList<CacheKey> Inputs, CacheResult Result, bool IsImage);
