namespace Img.Engine.RemoteCache;

/// <summary>What <see cref="CacheImporter"/> read: the cache as builds use it, and what was wrong with it (warnings for the user).</summary>
public sealed record CacheImport(ImportedCache Cache, IReadOnlyList<string> Warnings);
