using Img.Engine.Solver;

namespace Img.Engine.RemoteCache;

/// <summary>A result a cache export writes: its key, its parents' keys, and what the build has for it.</summary>
/// <param name="IsImage">The result is an export vertex's image (<see cref="CacheResult.Image"/>), not a filesystem.</param>
/// <param name="Minimal">The vertex is one <see cref="CacheExportMode.Min"/> exports (a layer of the final image), not only <see cref="CacheExportMode.Max"/>.</param>
public sealed record CacheExportRecord(CacheKey Key, IReadOnlyList<CacheKey> Inputs, CacheResult Result, bool IsImage, bool Minimal);
