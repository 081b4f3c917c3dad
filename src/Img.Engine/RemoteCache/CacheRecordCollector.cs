using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Engine.Worker;

namespace Img.Engine.RemoteCache;

/// <summary>
/// Gathers the results a cache export writes once a build has succeeded, without I/O: the
/// vertices <see cref="CacheExportSelection"/> picks have a result in the build, or were settled
/// by a cache hit downstream and have none (<see cref="BuildState.IsCovered"/>). Those are
/// <see cref="Missing"/>: the driver looks them up (local records, then imported ones) and answers
/// with <see cref="OnProbed"/>; a key still without a result is left out of the export. A
/// fully cached build thus exports what it would have exported the first time.
/// </summary>
public sealed class CacheRecordCollector
{
    private readonly IReadOnlyList<BuildVertex> _selected;
    private readonly HashSet<OpDigest> _minimal;
    private readonly IReadOnlyDictionary<OpDigest, CacheKey> _keys;
    private readonly Dictionary<CacheKey, CacheResult?> _results = new();
    private readonly HashSet<CacheKey> _missing = [];

    /// <param name="results">The build's result of a vertex, or null when it has none.</param>
    public CacheRecordCollector(BuildGraph graph, IReadOnlyDictionary<OpDigest, CacheKey> keys, CacheExportMode mode, Func<OpDigest, CacheResult?> results)
    {
        _selected = CacheExportSelection.Select(graph, mode);
        _minimal = CacheExportSelection.Select(graph, CacheExportMode.Min).Select(v => v.Digest).ToHashSet();
        _keys = keys;
        foreach (var vertex in _selected)
        {
            var key = keys[vertex.Digest];
            var result = results(vertex.Digest);
            if (result is not null)
                _results[key] = result;
            else if (!_results.ContainsKey(key))
                _missing.Add(key);
        }
    }

    /// <summary>Keys to look up, each once.</summary>
    public IReadOnlyCollection<CacheKey> Missing => _missing;

    /// <summary>True when no lookup is outstanding.</summary>
    public bool IsComplete => _missing.Count == 0;

    /// <summary>A lookup answered; <paramref name="result"/> null: the key is not exported.</summary>
    public void OnProbed(CacheKey key, CacheResult? result)
    {
        if (!_missing.Remove(key))
            return;
        if (result is not null)
            _results[key] = result;
    }

    /// <summary>The records, in graph order; results without a filesystem of their own (a local context) are left out.</summary>
    public IReadOnlyList<CacheExportRecord> Records()
    {
        var records = new List<CacheExportRecord>();
        var seen = new HashSet<CacheKey>();
        foreach (var vertex in _selected)
        {
            var key = _keys[vertex.Digest];
            if (!seen.Add(key) || _results.GetValueOrDefault(key) is not { } result)
                continue;
            var isImage = vertex.Op is ImageConfigOp;
            if (isImage ? result.Image is null : SnapshotReference.Parse(result.SnapshotId).Kind == SnapshotReferenceKind.Local)
                continue;
            records.Add(new CacheExportRecord(key, vertex.Inputs.Select(i => _keys[i.Digest]).ToArray(), result, isImage, _minimal.Contains(vertex.Digest)));
        }
        return records;
    }
}
