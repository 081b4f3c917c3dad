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

    public static byte[] Config(ImageConfig config)
    {
        using var document = JsonDocument.Parse(ImageJson.Serialize(config));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ImageJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                property.WriteTo(writer);
            writer.WriteEndObject();
        }
        return EscapeHtml(buffer.ToArray());
    }

    public static byte[] Manifest(ImageManifest manifest) => EscapeHtml(JsonSerializer.SerializeToUtf8Bytes(manifest, Indented));

    /// <summary>&lt;, &gt; and &amp; only occur inside JSON strings, so a byte replacement is exact.</summary>
    private static byte[] EscapeHtml(byte[] json)
    {
        if (json.AsSpan().IndexOfAny("<>&"u8) < 0)
            return json;
        var text = Encoding.UTF8.GetString(json).Replace("<", "\\u003c").Replace(">", "\\u003e").Replace("&", "\\u0026");
        return Encoding.UTF8.GetBytes(text);
    }
}
