using System.Text.Json;
using Img.Cli.Commands.Images.Formatting;
using Img.Engine.Images;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Images;

/// <summary>
/// What <c>img inspect</c> shows for one image, shaped like <c>docker image inspect</c> (moby's
/// <c>ImageInspect</c> up to API 1.43, plus the newer <c>Descriptor</c>): both the JSON it prints
/// and the typed data <c>--format</c> templates run over.
/// </summary>
public static class DockerImageInspect
{
    /// <param name="image">The image, its config read.</param>
    /// <param name="repoTags">Every name of the image id, familiar form.</param>
    /// <param name="repoDigests">REPOSITORY@DIGEST for each of those names.</param>
    /// <param name="size">The image's size, as <c>img ls</c> reports it.</param>
    /// <param name="lastTagTime">When a name last moved to the image.</param>
    /// <param name="manifests">For an index: each of its manifests (API 1.48's <c>Manifests</c>); empty otherwise.</param>
    public static GoValue Describe(ResolvedImage image, IReadOnlyList<string> repoTags, IReadOnlyList<string> repoDigests, long size, DateTimeOffset lastTagTime,
        IReadOnlyList<IndexManifest>? manifests = null)
    {
        using var raw = JsonDocument.Parse(image.RawConfig);
        var config = raw.RootElement;
        string Raw(string name) => config.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        JsonElement? Object(string name) => config.TryGetProperty(name, out var v) ? v.Clone() : null;

        // moby: the image's own comment, else that of its last history entry.
        var comment = Raw("comment");
        if (comment.Length == 0) comment = image.Config.History?.LastOrDefault()?.Comment ?? "";

        return new GoStruct("types.ImageInspect",
        [
            new GoField("ID", new GoString(image.Id.ToString()), JsonName: "Id"),
            new GoField("RepoTags", GoList.Strings(repoTags)),
            new GoField("RepoDigests", GoList.Strings(repoDigests)),
            new GoField("Parent", GoString.Empty),
            new GoField("Comment", new GoString(comment)),
            new GoField("Created", new GoString(Raw("created"))),
            new GoField("Container", new GoString(Raw("container"))),
            new GoField("ContainerConfig", DockerContainerConfig.From(Object("container_config"))),
            new GoField("DockerVersion", new GoString(Raw("docker_version"))),
            new GoField("Author", new GoString(image.Config.Author ?? "")),
            new GoField("Config", DockerContainerConfig.From(Object("config"))),
            new GoField("Architecture", new GoString(image.Config.Architecture)),
            new GoField("Variant", new GoString(image.Config.Variant ?? ""), OmitEmpty: true),
            new GoField("Os", new GoString(image.Config.Os)),
            new GoField("OsVersion", new GoString(image.Config.OsVersion ?? ""), OmitEmpty: true),
            new GoField("Size", new GoNumber(size)),
            new GoField("RootFS", new GoStruct("types.RootFS",
            [
                new GoField("Type", new GoString(image.Config.RootFs.Type), OmitEmpty: true),
                new GoField("Layers", GoList.Strings(image.Config.RootFs.DiffIds), OmitEmpty: true),
            ])),
            new GoField("Metadata", new GoStruct("image.Metadata", [new GoField("LastTagTime", new GoTime(lastTagTime))])),
            new GoField("Descriptor", new GoPointer(Descriptor(image.Image.Target), "v1.Descriptor"), OmitEmpty: true),
            new GoField("Manifests", new GoList(manifests?.Select(Manifest).ToList(), "image.ManifestSummary"), OmitEmpty: true),
        ]);
    }

    /// <summary>
    /// One manifest of an index as moby's <c>image.ManifestSummary</c> (the containerd image store):
    /// its id (the manifest digest), descriptor with platform, whether its blobs are here, their
    /// size, and the platform it runs on. img keeps no unpacked size or containers, so those are left out.
    /// </summary>
    private static GoStruct Manifest(IndexManifest m) => new("image.ManifestSummary",
    [
        new GoField("ID", new GoString(m.Descriptor.Digest)),
        new GoField("Descriptor", Descriptor(m.Descriptor)),
        new GoField("Available", new GoBool(m.Available)),
        new GoField("Size", new GoStruct("image.ManifestSummary.Size",
        [
            new GoField("Total", new GoNumber(m.Size)),
            new GoField("Content", new GoNumber(m.Size)),
        ])),
        new GoField("Kind", new GoString("image")),
        new GoField("ImageData", new GoPointer(m.Descriptor.Platform is { } p
            ? new GoStruct("image.ImageProperties", [new GoField("Platform", Platform(p))])
            : null, "image.ImageProperties"), OmitEmpty: true),
    ]);

    /// <summary>An OCI descriptor (image-spec's <c>v1.Descriptor</c>, lower-case JSON names).</summary>
    private static GoStruct Descriptor(Descriptor d) => new("v1.Descriptor",
    [
        new GoField("MediaType", new GoString(d.MediaType), JsonName: "mediaType"),
        new GoField("Digest", new GoString(d.Digest), JsonName: "digest"),
        new GoField("Size", new GoNumber(d.Size), JsonName: "size"),
        new GoField("URLs", GoList.Strings(d.Urls), OmitEmpty: true, JsonName: "urls"),
        new GoField("Annotations", GoMap.Strings(d.Annotations), OmitEmpty: true, JsonName: "annotations"),
        new GoField("Data", new GoList(null, "uint8"), OmitEmpty: true, JsonName: "data"),
        new GoField("Platform", new GoPointer(d.Platform is { } p ? Platform(p) : null, "v1.Platform"), OmitEmpty: true, JsonName: "platform"),
        new GoField("ArtifactType", GoString.Empty, OmitEmpty: true, JsonName: "artifactType"),
    ]);

    private static GoStruct Platform(Platform p) => new("v1.Platform",
    [
        new GoField("Architecture", new GoString(p.Architecture), JsonName: "architecture"),
        new GoField("OS", new GoString(p.Os), JsonName: "os"),
        new GoField("OSVersion", new GoString(p.OsVersion ?? ""), OmitEmpty: true, JsonName: "os.version"),
        new GoField("OSFeatures", GoList.Strings(p.OsFeatures), OmitEmpty: true, JsonName: "os.features"),
        new GoField("Variant", new GoString(p.Variant ?? ""), OmitEmpty: true, JsonName: "variant"),
    ]);
}
