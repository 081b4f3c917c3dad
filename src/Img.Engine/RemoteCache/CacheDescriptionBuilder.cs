using Img.Engine.Oci;
using Img.Engine.Transfer;

namespace Img.Engine.RemoteCache;

/// <summary>
/// Makes a <see cref="CacheDescription"/> from results: each layer is listed once however many
/// chains use it, in order of first use, and records keep the order they were added in (the
/// build graph's), so equal builds give equal bytes. A key added twice keeps its first record.
/// </summary>
public sealed class CacheDescriptionBuilder
{
    private readonly List<CacheLayer> _layers = [];
    private readonly Dictionary<CacheLayer, int> _positions = new();
    private readonly List<CacheRecord> _records = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    /// <summary>Records added so far.</summary>
    public int Count => _records.Count;

    /// <summary>A key whose result is a filesystem (<paramref name="lineage"/>, written with its own format).</summary>
    public CacheDescriptionBuilder Add(string key, IReadOnlyList<string> inputs, ResultManifest lineage)
    {
        if (!_keys.Add(key))
            return this;
        var chain = lineage.Layers.Select(l => Position(CacheLayer.From(l, lineage.LayerFormat))).ToArray();
        _records.Add(new CacheRecord(key, inputs, chain));
        return this;
    }

    /// <summary>A key whose result is a filesystem made of <paramref name="layers"/> as they are.</summary>
    public CacheDescriptionBuilder Add(string key, IReadOnlyList<string> inputs, IEnumerable<CacheLayer> layers)
    {
        if (!_keys.Add(key))
            return this;
        _records.Add(new CacheRecord(key, inputs, layers.Select(Position).ToArray()));
        return this;
    }

    /// <summary>An export vertex's key and its image (<paramref name="image"/> null: the image carrying an inline cache).</summary>
    public CacheDescriptionBuilder AddImage(string key, IReadOnlyList<string> inputs, Descriptor? image)
    {
        if (!_keys.Add(key))
            return this;
        var clean = image is null ? null : new Descriptor { MediaType = image.MediaType, Digest = image.Digest, Size = image.Size };
        _records.Add(new CacheRecord(key, inputs, [], clean, CarrierImage: image is null));
        return this;
    }

    /// <summary>A record of another description, with its layers.</summary>
    public CacheDescriptionBuilder Add(CacheRecord record, CacheDescription from)
    {
        if (!_keys.Add(record.Key))
            return this;
        _records.Add(record with { Chain = record.Chain.Select(i => Position(from.Layers[i])).ToArray() });
        return this;
    }

    public CacheDescription Build() => new() { Layers = _layers.ToArray(), Records = _records.ToArray() };

    private int Position(CacheLayer layer)
    {
        layer = layer with
        {
            Blob = new Descriptor { MediaType = layer.Blob.MediaType, Digest = layer.Blob.Digest, Size = layer.Blob.Size },
            Created = layer.Created.ToUniversalTime(),
        };
        if (_positions.TryGetValue(layer, out var position))
            return position;
        _positions[layer] = _layers.Count;
        _layers.Add(layer);
        return _layers.Count - 1;
    }
}
