using System.Globalization;
using System.Text;
using System.Text.Json;
using Img.Engine.Images;

namespace Img.Cli.Commands.Build;

/// <summary>
/// <c>--metadata-file</c>: the build result metadata buildx writes, a JSON object with keys in
/// order (Go marshals maps sorted) and two-space indentation. For an image (the local store,
/// <c>--push</c>, <c>type=image|docker|oci|registry</c>) BuildKit's image exporter keys:
/// <code>
/// {
///   "containerimage.config.digest": "sha256:...",
///   "containerimage.descriptor": { "mediaType": "...", "digest": "sha256:...", "size": N, "annotations": {...} },
///   "containerimage.digest": "sha256:...",
///   "image.name": "docker.io/library/app:latest,..."
/// }
/// </code>
/// <c>image.name</c> only when there are <c>-t</c> names. <c>type=local</c> and <c>type=tar</c>
/// export files, not an image: the object is empty. buildx's <c>buildx.build.ref</c> (its builder,
/// node and build ids) has no counterpart without a builder and is left out.
/// </summary>
public static class BuildMetadataFile
{
    public static string Format(BuildRequest request, ResolvedImage image) => Document(request, w =>
    {
        w.WriteString("containerimage.config.digest", image.Id.ToString());
        // the descriptor's own annotations (--annotation manifest-descriptor:K=V) with the exporter's, sorted as Go writes a map
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in image.ManifestDescriptor.Annotations ?? new Dictionary<string, string>())
            annotations[key] = value;
        annotations["config.digest"] = image.Id.ToString();
        if (image.Config.Created is { } created)
            annotations.TryAdd("org.opencontainers.image.created", created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        WriteDescriptor(w, image.ManifestDescriptor, annotations);
        w.WriteString("containerimage.digest", image.ManifestDescriptor.Digest);
    });

    /// <summary>A multi-platform build: the index is the image (no config digest of its own), as buildx writes it.</summary>
    public static string FormatIndex(BuildRequest request, Img.Engine.Oci.Descriptor index) => Document(request, w =>
    {
        WriteDescriptor(w, index, index.Annotations is { Count: > 0 } own ? new SortedDictionary<string, string>(own.ToDictionary(), StringComparer.Ordinal) : null);
        w.WriteString("containerimage.digest", index.Digest);
    });

    /// <summary>The object, keys sorted as Go marshals maps; the image's keys only when the build exported an image.</summary>
    private static string Document(BuildRequest request, Action<Utf8JsonWriter> imageKeys)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (ExportsAnImage(request))
            {
                imageKeys(w);
                if (request.Tags.Count > 0)
                    w.WriteString("image.name", string.Join(',', request.Tags.Select(t => t.ToString())));
            }
            w.WriteEndObject();
        }
        // two-space indentation as Go's MarshalIndent(v, "", "  "); '+' of media types unescaped, as Go writes it
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteDescriptor(Utf8JsonWriter w, Img.Engine.Oci.Descriptor descriptor, SortedDictionary<string, string>? annotations)
    {
        w.WriteStartObject("containerimage.descriptor");
        w.WriteString("mediaType", descriptor.MediaType);
        w.WriteString("digest", descriptor.Digest);
        w.WriteNumber("size", descriptor.Size);
        if (annotations is not null)
        {
            w.WriteStartObject("annotations");
            foreach (var (key, value) in annotations)
                w.WriteString(key, value);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static bool ExportsAnImage(BuildRequest request) =>
        request.Push || request.Outputs.Count == 0 || request.Outputs.Any(o => o.Type is not (OutputType.Local or OutputType.Tar));
}
