using System.Text;
using System.Text.Json;
using Img.Engine.Images;
using Img.Engine.Oci;

namespace Img.Engine.Worker.Export;

/// <summary>
/// The bytes of the documents an export writes, shaped like BuildKit's so digests can match:
/// the config compact with its top-level keys sorted (Go marshals the patched config as a map),
/// the manifest indented by three spaces (Go's <c>MarshalIndent(m, "", "   ")</c>); both with
/// <c>&lt; &gt; &amp;</c> escaped as Go's encoder does.
/// </summary>
public static class ImageDocuments
{
    private static readonly JsonSerializerOptions Indented = new(ImageJson.Options) { WriteIndented = true, IndentSize = 3 };
    private static readonly JsonSerializerOptions IndexIndented = new(ImageJson.Options) { WriteIndented = true, IndentSize = 2 };

    public static byte[] Config(ImageConfig config)
    {
        using var document = JsonDocument.Parse(ImageJson.Serialize(config));
        return SortedObject(document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value)));
    }

    /// <summary>
    /// A config's bytes with one more top-level field (replaced when present), in the same shape
    /// (an inline cache: BuildKit adds <c>moby.buildkit.cache.v0</c> the same way).
    /// </summary>
    public static byte[] ConfigWith(ReadOnlySpan<byte> config, string name, JsonElement value)
    {
        using var document = JsonDocument.Parse(config.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException("image config is not a JSON object");
        return SortedObject(document.RootElement.EnumerateObject().Where(p => p.Name != name).Select(p => (p.Name, p.Value)).Append((name, value)));
    }

    private static byte[] SortedObject(IEnumerable<(string Name, JsonElement Value)> properties)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ImageJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return EscapeHtml(buffer.ToArray());
    }

    public static byte[] Manifest(ImageManifest manifest) => EscapeHtml(JsonSerializer.SerializeToUtf8Bytes(manifest, Indented));

    /// <summary>An index of a multi-platform build: BuildKit indents it by two spaces (<c>MarshalIndent(idx, "", "  ")</c>).</summary>
    public static byte[] Index(ImageIndex index) => EscapeHtml(JsonSerializer.SerializeToUtf8Bytes(index, IndexIndented));

    /// <summary>&lt;, &gt; and &amp; only occur inside JSON strings, so a byte replacement is exact.</summary>
    private static byte[] EscapeHtml(byte[] json)
    {
        if (json.AsSpan().IndexOfAny("<>&"u8) < 0)
            return json;
        var text = Encoding.UTF8.GetString(json).Replace("<", "\\u003c").Replace(">", "\\u003e").Replace("&", "\\u0026");
        return Encoding.UTF8.GetBytes(text);
    }
}
