using Img.Engine.Solver;

namespace Img.Engine.BuildCache;

/// <summary>One cache record as the journal holds it: the key, its result and when it was recorded.</summary>
public sealed record CachedResult(CacheKey Key, CacheResult Result, DateTimeOffset RecordedAt);
