using Img.Engine.Solver;

namespace Img.Engine.RemoteCache;

/// <summary>
/// The records of a build's <c>--cache-from</c> sources, looked up by cache key after a local
/// miss: the first source that has the key answers, with a result that names the record
/// (<see cref="ImportedResult"/>) instead of a snapshot. A key whose import turned out unusable
/// (its blobs could not be fetched, or did not unpack to their diffIDs) is <see cref="Forget"/>ten
/// for the rest of the build, so the vertex runs instead. Not thread-safe (one build's actor).
/// </summary>
public sealed class CacheImports
{
    private readonly List<(ImportedCache Cache, Dictionary<string, CacheRecord> Records)> _caches;
    private readonly HashSet<CacheKey> _forgotten = [];

    public CacheImports(IEnumerable<ImportedCache> caches) =>
        _caches = caches.Select(c => (c, c.Description.ByKey())).ToList();

    public static CacheImports None { get; } = new([]);

    /// <summary>Whether any source was imported.</summary>
    public bool IsEmpty => _caches.Count == 0;

    /// <summary>The imported result of <paramref name="key"/>, or null.</summary>
    public CacheResult? Find(CacheKey key)
    {
        if (_forgotten.Contains(key))
            return null;
        foreach (var (cache, records) in _caches)
        {
            if (!records.TryGetValue(key.Value, out var record) || record.CarrierImage)
                continue;
            return new CacheResult("", Image: record.Image, Imported: new ImportedResult(cache.Source, cache.Blob, key));
        }
        return null;
    }

    /// <summary>Never answers for <paramref name="key"/> again.</summary>
    public void Forget(CacheKey key) => _forgotten.Add(key);

    /// <summary>The description and record an imported result names, or null when it is not one of these sources'.</summary>
    public (CacheDescription Description, CacheRecord Record)? RecordOf(ImportedResult result)
    {
        foreach (var (cache, records) in _caches)
        {
            if (cache.Source == result.Source && cache.Blob.Digest == result.Description.Digest
                && records.TryGetValue(result.Key.Value, out var record))
                return (cache.Description, record);
        }
        return null;
    }
}
