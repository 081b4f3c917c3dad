using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>
/// How the documents every build reads (manifests, indexes, configs, image records) are read:
/// the same rules as <see cref="JsonSerializer"/>'s defaults, with metadata generated at compile
/// time, so the ReadyToRun image holds the code instead of the JIT compiling reflection-built
/// converters at start-up (a cached build through a cluster reads a few documents and exits).
/// Writing keeps its own options (<see cref="ImageJson"/>): bytes that are digested stay as they are.
/// </summary>
public static class DocumentJson
{
    public static JsonSerializerOptions Reading { get; } = new()
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(DocumentJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}

[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(Image))]
internal sealed partial class DocumentJsonContext : JsonSerializerContext;
