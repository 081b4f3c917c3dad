using Img.Engine.Oci;

namespace Img.Engine.Solver;

/// <summary>
/// Where a result imported from a cache (<c>--cache-from</c>) comes from: the record of
/// <paramref name="Key"/> in the cache description <paramref name="Description"/> (a cache
/// artifact's config, or an image config carrying an inline cache), whose blobs are fetched from
/// <paramref name="Source"/> (a <c>RemoteCache.CacheLocation</c>). Nothing is downloaded until a
/// node needs the filesystem (a step runs on it) or an output needs the image.
/// </summary>
/// <param name="Source">The cache's location: <c>registry:HOST/REPOSITORY</c> or <c>local:DIR</c>.</param>
/// <param name="Description">The blob holding the description, in <paramref name="Source"/>.</param>
/// <param name="Key">The record's key (the vertex's cache key).</param>
public sealed record ImportedResult(string Source, Descriptor Description, CacheKey Key);
