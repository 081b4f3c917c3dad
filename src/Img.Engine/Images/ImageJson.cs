using System.Collections;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>
/// How img serialises the image documents it creates (configs, manifests, indexes, archive
/// metadata): compact, without HTML escaping (<c>+json</c> stays <c>+json</c>), times in UTC with
/// a <c>Z</c> suffix as Go's RFC 3339 writer does. In the <c>config</c> object, empty lists,
/// maps and strings are left out like nulls: every field of Go's image config is
/// <c>omitempty</c>, so BuildKit writes no <c>"Cmd":[]</c> for <c>CMD []</c>.
/// </summary>
public static class ImageJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcTimeConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyConfigFields } },
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    private static void OmitEmptyConfigFields(JsonTypeInfo info)
    {
        if (info.Type != typeof(ContainerConfig))
            return;
        foreach (var property in info.Properties)
            property.ShouldSerialize = static (_, value) => value is not (null or false or ICollection { Count: 0 } or string { Length: 0 });
    }

    private sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
    }
}
