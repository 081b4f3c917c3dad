using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Img.Engine.Content;

namespace Img.Engine.Transfer;

/// <summary>
/// What a node publishes so that another node can recreate one of its results: the result
/// snapshot's lineage (<see cref="Worker.Export.LayerChain"/>) as layer blobs, bottom first, with
/// what the consumer needs to label equivalent snapshots. A small JSON blob of its own media type
/// (<see cref="MediaTypeV1"/>) in the producer's content store, fetched by digest like the layers.
/// The version is checked before anything else: a document of another version is refused with a
/// message saying so, never half-read.
/// </summary>
public sealed record ResultManifest
{
    /// <summary>The media type of version 1.</summary>
    public const string MediaTypeV1 = "application/vnd.img.result.v1+json";

    /// <summary>The only schema version this img reads and writes.</summary>
    public const int SchemaVersionV1 = 1;

    /// <summary>Largest manifest accepted (thousands of layers fit).</summary>
    public const int MaxSize = 4 * 1024 * 1024;

    /// <summary>A lineage deeper than this is refused (the snapshotters refuse far shallower ones).</summary>
    public const int MaxLayers = 4096;

    // Never embedded in HTML: only what JSON requires is escaped, so media types read as themselves ("+json", not "\u002Bjson").
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = SchemaVersionV1;
    [JsonPropertyName("mediaType")] public string MediaType { get; init; } = MediaTypeV1;
    [JsonPropertyName("layerFormat")] public required ResultLayerFormat LayerFormat { get; init; }
    [JsonPropertyName("layers")] public required IReadOnlyList<ResultLayer> Layers { get; init; }

    /// <summary>The document's bytes: fixed field order, UTC times, so one lineage always gives one digest.</summary>
    public byte[] ToBytes() =>
        JsonSerializer.SerializeToUtf8Bytes(this with { Layers = Layers.Select(l => l with { Created = l.Created.ToUniversalTime() }).ToArray() }, Json);

    /// <summary>Reads and validates a manifest.</summary>
    /// <exception cref="InvalidDataException">Not JSON, another version or media type, or a malformed layer.</exception>
    public static ResultManifest Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxSize)
            throw new InvalidDataException($"result manifest is {bytes.Length} bytes, more than the {MaxSize} allowed");
        CheckVersion(bytes);
        ResultManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ResultManifest>(bytes, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"invalid result manifest: {e.Message}", e);
        }
        if (manifest is null)
            throw new InvalidDataException("invalid result manifest: JSON null");
        manifest.Validate();
        return manifest;
    }

    /// <summary>Reads version and media type first, so a newer document fails on them and not on its shape.</summary>
    private static void CheckVersion(ReadOnlySpan<byte> bytes)
    {
        int? version = null;
        string? mediaType = null;
        try
        {
            using var doc = JsonDocument.Parse(bytes.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException("invalid result manifest: not a JSON object");
            if (doc.RootElement.TryGetProperty("schemaVersion", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n))
                version = n;
            if (doc.RootElement.TryGetProperty("mediaType", out var m) && m.ValueKind == JsonValueKind.String)
                mediaType = m.GetString();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"invalid result manifest: {e.Message}", e);
        }
        if (version != SchemaVersionV1 || mediaType != MediaTypeV1)
            throw new InvalidDataException(
                $"unsupported result manifest: schemaVersion {version?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, " +
                $"mediaType \"{mediaType}\"; this img reads schemaVersion {SchemaVersionV1}, {MediaTypeV1} (a node of another img version published it?)");
    }

    private void Validate()
    {
        if (LayerFormat is null || string.IsNullOrEmpty(LayerFormat.Format) || string.IsNullOrEmpty(LayerFormat.Compression))
            throw new InvalidDataException("invalid result manifest: layerFormat is missing");
        if (Layers is null)
            throw new InvalidDataException("invalid result manifest: layers is missing");
        if (Layers.Count > MaxLayers)
            throw new InvalidDataException($"invalid result manifest: {Layers.Count} layers, more than {MaxLayers}");
        for (var i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            if (layer is null || layer.Blob is null)
                throw new InvalidDataException($"invalid result manifest: layer {i} has no blob");
            if (!Digest.TryParse(layer.Blob.Digest, out _))
                throw new InvalidDataException($"invalid result manifest: layer {i} blob digest \"{layer.Blob.Digest}\" is not a sha256 digest");
            if (layer.Blob.Size < 0)
                throw new InvalidDataException($"invalid result manifest: layer {i} blob size {layer.Blob.Size} is negative");
            if (string.IsNullOrEmpty(layer.Blob.MediaType))
                throw new InvalidDataException($"invalid result manifest: layer {i} blob has no media type");
            if (!Digest.TryParse(layer.DiffId, out _))
                throw new InvalidDataException($"invalid result manifest: layer {i} diffID \"{layer.DiffId}\" is not a sha256 digest");
            if (!Enum.IsDefined(layer.Kind))
                throw new InvalidDataException($"invalid result manifest: layer {i} has an unknown kind");
            if (layer.Description is null)
                throw new InvalidDataException($"invalid result manifest: layer {i} has no description");
            if (layer.BaseManifest is { } m && !Digest.TryParse(m, out _))
                throw new InvalidDataException($"invalid result manifest: layer {i} baseManifest \"{m}\" is not a sha256 digest");
        }
    }
}
