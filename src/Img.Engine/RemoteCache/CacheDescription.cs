using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Transfer;

namespace Img.Engine.RemoteCache;

/// <summary>
/// img's portable build cache (<c>--cache-to</c> / <c>--cache-from</c>): cache keys, their
/// parents, and the layer chain of each key's result, over a table of ordinary layer blobs
/// (the ones images use). It is the config blob of the cache artifact (an OCI manifest whose
/// layers are those blobs), or the <see cref="InlineCache.ConfigKey"/> field of an image config
/// (inline cache). Versioned: <see cref="Parse"/> reads the version first and refuses any other
/// with a message saying so, never half-reading it; the caller turns that into a warning and a
/// cache miss.
/// </summary>
public sealed record CacheDescription
{
    /// <summary>The media type of version 1 (the cache artifact's config).</summary>
    public const string MediaTypeV1 = "application/vnd.img.cache.config.v1+json";

    /// <summary>What every version's media type starts with.</summary>
    public const string MediaTypePrefix = "application/vnd.img.cache.config.";

    /// <summary>The only schema version this img reads and writes.</summary>
    public const int SchemaVersionV1 = 1;

    /// <summary>Largest description accepted.</summary>
    public const int MaxSize = 32 * 1024 * 1024;

    /// <summary>Most records and most layers accepted.</summary>
    public const int MaxEntries = 100_000;

    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = SchemaVersionV1;
    [JsonPropertyName("mediaType")] public string MediaType { get; init; } = MediaTypeV1;
    [JsonPropertyName("layers")] public required IReadOnlyList<CacheLayer> Layers { get; init; }
    [JsonPropertyName("records")] public required IReadOnlyList<CacheRecord> Records { get; init; }

    /// <summary>An empty description.</summary>
    public static CacheDescription Empty { get; } = new() { Layers = [], Records = [] };

    /// <summary>The records by key (a parsed description has each key once).</summary>
    public Dictionary<string, CacheRecord> ByKey()
    {
        var result = new Dictionary<string, CacheRecord>(Records.Count, StringComparer.Ordinal);
        foreach (var record in Records)
            result.TryAdd(record.Key, record);
        return result;
    }

    /// <summary>
    /// The lineage of a record's result, as a node fetches it (<see cref="ResultFetcher"/>): its
    /// layers bottom first, with the step layers' blob format when they all share one (else a
    /// format no img writes, so nothing is recorded as an export and exports diff again).
    /// </summary>
    public ResultManifest LineageOf(CacheRecord record)
    {
        var layers = record.Chain.Select(i => Layers[i]).ToList();
        var formats = layers.Where(l => l.Kind == ResultLayerKind.Step).Select(l => l.Format).Distinct().ToList();
        var format = formats.Count == 1 && formats[0] is { } only ? only : Unknown;
        return new ResultManifest { LayerFormat = format, Layers = layers.Select(l => l.ToResultLayer()).ToArray() };
    }

    /// <summary>The format of step layers whose writer is not known: never seeded as an export.</summary>
    public static ResultLayerFormat Unknown { get; } = new("unknown", "unknown", 0);

    /// <summary>Every blob a record's filesystem needs.</summary>
    public IEnumerable<Descriptor> BlobsOf(CacheRecord record) => record.Chain.Select(i => Layers[i].Blob);

    /// <summary>The description with only the records <paramref name="keep"/> accepts, and the layers they use.</summary>
    public CacheDescription Where(Func<CacheRecord, bool> keep)
    {
        var builder = new CacheDescriptionBuilder();
        foreach (var record in Records.Where(keep))
            builder.Add(record, this);
        return builder.Build();
    }

    /// <summary>The document's bytes: fixed field order, UTC times, so equal caches have equal digests.</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The JSON of the description, for embedding (inline cache).</summary>
    public JsonElement ToJsonElement() => JsonSerializer.SerializeToElement(this, Json);

    /// <summary>Reads and validates a description.</summary>
    /// <exception cref="InvalidDataException">Not JSON, another version or media type, or malformed.</exception>
    public static CacheDescription Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxSize)
            throw new InvalidDataException($"cache description is {bytes.Length} bytes, more than the {MaxSize} allowed");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"invalid cache description: {e.Message}", e);
        }
        using (document)
            return Parse(document.RootElement);
    }

    /// <summary>Reads and validates a description embedded in another document.</summary>
    /// <exception cref="InvalidDataException">Another version or media type, or malformed.</exception>
    public static CacheDescription Parse(JsonElement element)
    {
        CheckVersion(element);
        CacheDescription? description;
        try
        {
            description = element.Deserialize<CacheDescription>(Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"invalid cache description: {e.Message}", e);
        }
        if (description is null)
            throw new InvalidDataException("invalid cache description: JSON null");
        description.Validate();
        return description;
    }

    /// <summary>Reads version and media type first, so a newer document fails on them and not on its shape.</summary>
    private static void CheckVersion(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException("invalid cache description: not a JSON object");
        int? version = null;
        string? mediaType = null;
        if (root.TryGetProperty("schemaVersion", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n))
            version = n;
        if (root.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String)
            mediaType = m.GetString();
        if (version != SchemaVersionV1 || mediaType != MediaTypeV1)
            throw new InvalidDataException(
                $"unsupported cache description: schemaVersion {version?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, " +
                $"mediaType \"{mediaType}\"; this img reads schemaVersion {SchemaVersionV1}, {MediaTypeV1} (written by another img version?)");
    }

    private void Validate()
    {
        if (Layers is null)
            throw new InvalidDataException("invalid cache description: layers is missing");
        if (Records is null)
            throw new InvalidDataException("invalid cache description: records is missing");
        if (Layers.Count > MaxEntries || Records.Count > MaxEntries)
            throw new InvalidDataException($"invalid cache description: more than {MaxEntries} layers or records");
        for (var i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            if (layer is null || layer.Blob is null)
                throw new InvalidDataException($"invalid cache description: layer {i} has no blob");
            CheckBlob(layer.Blob, $"layer {i} blob");
            if (!Digest.TryParse(layer.DiffId, out _))
                throw new InvalidDataException($"invalid cache description: layer {i} diffID \"{layer.DiffId}\" is not a sha256 digest");
            if (!Enum.IsDefined(layer.Kind))
                throw new InvalidDataException($"invalid cache description: layer {i} has an unknown kind");
            if (layer.Description is null)
                throw new InvalidDataException($"invalid cache description: layer {i} has no description");
            if (layer.BaseManifest is { } m && !Digest.TryParse(m, out _))
                throw new InvalidDataException($"invalid cache description: layer {i} baseManifest \"{m}\" is not a sha256 digest");
            if (layer.Format is { } f && (string.IsNullOrEmpty(f.Format) || string.IsNullOrEmpty(f.Compression)))
                throw new InvalidDataException($"invalid cache description: layer {i} has an incomplete format");
        }
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Records.Count; i++)
        {
            var record = Records[i];
            if (record is null || !Digest.TryParse(record.Key, out _))
                throw new InvalidDataException($"invalid cache description: record {i} has no sha256 key");
            if (!keys.Add(record.Key))
                throw new InvalidDataException($"invalid cache description: key {record.Key} is recorded twice");
            if (record.Inputs is null || record.Inputs.Any(k => !Digest.TryParse(k, out _)))
                throw new InvalidDataException($"invalid cache description: record {record.Key} has an input that is not a sha256 key");
            if (record.Chain is null)
                throw new InvalidDataException($"invalid cache description: record {record.Key} has no chain");
            if (record.Chain.Count > ResultManifest.MaxLayers)
                throw new InvalidDataException($"invalid cache description: record {record.Key} has {record.Chain.Count} layers, more than {ResultManifest.MaxLayers}");
            foreach (var index in record.Chain)
            {
                if (index < 0 || index >= Layers.Count)
                    throw new InvalidDataException($"invalid cache description: record {record.Key} names layer {index}, of {Layers.Count}");
            }
            if (record.Image is { } image)
            {
                CheckBlob(image, $"record {record.Key} image");
                if (!MediaTypes.IsManifest(image.MediaType))
                    throw new InvalidDataException($"invalid cache description: record {record.Key} image is a {image.MediaType}, not an image manifest");
            }
        }
    }

    private static void CheckBlob(Descriptor blob, string what)
    {
        if (!Digest.TryParse(blob.Digest, out _))
            throw new InvalidDataException($"invalid cache description: {what} digest \"{blob.Digest}\" is not a sha256 digest");
        if (blob.Size < 0)
            throw new InvalidDataException($"invalid cache description: {what} size {blob.Size} is negative");
        if (string.IsNullOrEmpty(blob.MediaType))
            throw new InvalidDataException($"invalid cache description: {what} has no media type");
    }
}
