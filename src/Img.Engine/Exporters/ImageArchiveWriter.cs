using System.Text.Json;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Exporters;

/// <summary>
/// <c>img save</c>: writes images as one tar, streamed (the output need not seek).
/// Both formats carry an OCI image layout: <c>oci-layout</c>, <c>blobs/sha256/*</c> and an
/// <c>index.json</c> with one entry per name (annotated with <c>org.opencontainers.image.ref.name</c>
/// = the tag and <c>io.containerd.image.name</c> = the full name). <see cref="ArchiveFormat.Docker"/>
/// adds docker's <c>manifest.json</c> (Config, RepoTags, Layers pointing into <c>blobs/</c>) and
/// <c>repositories</c>, as docker 25+ does.
/// Blobs are copied byte for byte, so layer and config digests are kept; compressed layers stay
/// compressed (docker, podman and skopeo decompress layer files when loading). A Docker
/// schema 2 manifest is rewritten with OCI media types for the layout (same config and layers,
/// new manifest digest); an OCI manifest is written as stored.
/// Entries have fixed metadata (mode 0644, mtime 0), so the same images give the same bytes.
/// </summary>
public static class ImageArchiveWriter
{
    private static readonly UnixFileMode FileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private static readonly UnixFileMode DirectoryMode = FileMode |
        UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static async ValueTask WriteAsync(IContentProvider content, IReadOnlyList<ArchiveImage> images, Stream output, ArchiveFormat format, CancellationToken cancellationToken = default)
    {
        await using var tar = new TarArchiveWriter(output, leaveOpen: true);
        await WriteDirectoryAsync(tar, OciLayout.BlobsDirectory, cancellationToken).ConfigureAwait(false);
        await WriteDirectoryAsync(tar, OciLayout.BlobsDirectory + "/" + Digest.Sha256, cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(tar, OciLayout.LayoutFile, System.Text.Encoding.UTF8.GetBytes(OciLayout.LayoutContent), cancellationToken).ConfigureAwait(false);

        var written = new HashSet<Digest>();
        var indexEntries = new List<Descriptor>();
        var dockerItems = new List<DockerManifestItem>();
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var archiveImage in images)
        {
            var image = archiveImage.Image;
            var (manifestBytes, manifest) = OciManifestFor(image);
            await WriteBlobAsync(tar, content, manifest.Config, written, cancellationToken).ConfigureAwait(false);
            foreach (var layer in manifest.Layers)
                await WriteBlobAsync(tar, content, layer, written, cancellationToken).ConfigureAwait(false);
            var manifestDigest = Digest.Compute(manifestBytes);
            if (written.Add(manifestDigest))
                await WriteFileAsync(tar, OciLayout.BlobPath(manifestDigest), manifestBytes, cancellationToken).ConfigureAwait(false);

            var platform = new Platform
            {
                Os = image.Config.Os,
                Architecture = image.Config.Architecture,
                Variant = string.IsNullOrEmpty(image.Config.Variant) ? null : image.Config.Variant,
            };
            var descriptor = new Descriptor
            {
                MediaType = MediaTypes.OciManifest,
                Digest = manifestDigest.ToString(),
                Size = manifestBytes.Length,
                Platform = platform,
                Annotations = image.ManifestDescriptor.Annotations is { Count: > 0 } own ? Sorted(own) : null,
            };
            var tagged = archiveImage.Names.Where(n => n.Tag is not null).ToList();
            if (tagged.Count == 0) indexEntries.Add(descriptor);
            foreach (var name in tagged)
            {
                indexEntries.Add(descriptor with { Annotations = Named(descriptor.Annotations, name) });
                var diffIds = image.Config.RootFs.DiffIds;
                if (diffIds.Count > 0 && Digest.TryParse(diffIds[^1], out var top))
                {
                    if (!repositories.TryGetValue(name.FamiliarRepository, out var tags))
                        repositories[name.FamiliarRepository] = tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
                    tags[name.Tag!] = top.Hex;
                }
            }
            dockerItems.Add(new DockerManifestItem
            {
                Config = OciLayout.BlobPath(Digest.Parse(manifest.Config.Digest)),
                RepoTags = tagged.Select(n => n.FamiliarName).ToList(),
                Layers = manifest.Layers.Select(l => OciLayout.BlobPath(Digest.Parse(l.Digest))).ToList(),
            });
        }

        var index = new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = indexEntries };
        await WriteFileAsync(tar, OciLayout.IndexFile, Images.ImageJson.Serialize(index), cancellationToken).ConfigureAwait(false);
        if (format == ArchiveFormat.Docker)
        {
            await WriteFileAsync(tar, OciLayout.DockerManifestFile, Images.ImageJson.Serialize(dockerItems), cancellationToken).ConfigureAwait(false);
            if (repositories.Count > 0)
                await WriteFileAsync(tar, OciLayout.DockerRepositoriesFile, Images.ImageJson.Serialize(repositories), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An OCI layout tar of one multi-platform image (BuildKit's oci exporter for a build of several
    /// platforms): every platform's manifest, config and layers and the index, as stored, and an
    /// <c>index.json</c> naming the index once per name (none: one unnamed entry).
    /// </summary>
    public static async ValueTask WriteIndexAsync(IContentProvider content, Descriptor index, IReadOnlyList<References.ImageReference> names, Stream output, CancellationToken cancellationToken = default)
    {
        await using var tar = new TarArchiveWriter(output, leaveOpen: true);
        await WriteDirectoryAsync(tar, OciLayout.BlobsDirectory, cancellationToken).ConfigureAwait(false);
        await WriteDirectoryAsync(tar, OciLayout.BlobsDirectory + "/" + Digest.Sha256, cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(tar, OciLayout.LayoutFile, System.Text.Encoding.UTF8.GetBytes(OciLayout.LayoutContent), cancellationToken).ConfigureAwait(false);

        var written = new HashSet<Digest>();
        var document = await content.ReadJsonAsync<ImageIndex>(index, cancellationToken).ConfigureAwait(false);
        foreach (var child in document.Manifests)
        {
            var manifest = await content.ReadJsonAsync<ImageManifest>(child, cancellationToken).ConfigureAwait(false);
            await WriteBlobAsync(tar, content, manifest.Config, written, cancellationToken).ConfigureAwait(false);
            foreach (var layer in manifest.Layers)
                await WriteBlobAsync(tar, content, layer, written, cancellationToken).ConfigureAwait(false);
            await WriteBlobAsync(tar, content, child, written, cancellationToken).ConfigureAwait(false);
        }
        await WriteBlobAsync(tar, content, index, written, cancellationToken).ConfigureAwait(false);

        var entry = new Descriptor
        {
            MediaType = index.MediaType, Digest = index.Digest, Size = index.Size,
            Annotations = index.Annotations is { Count: > 0 } own ? Sorted(own) : null,
        };
        var tagged = names.Where(n => n.Tag is not null).ToList();
        var entries = tagged.Count == 0
            ? [entry]
            : tagged.Select(name => entry with { Annotations = Named(entry.Annotations, name) }).ToList();
        var layout = new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = entries };
        await WriteFileAsync(tar, OciLayout.IndexFile, Images.ImageJson.Serialize(layout), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An entry's annotations for one name: the descriptor's own (a build's
    /// <c>--annotation manifest-descriptor:K=V</c>, as BuildKit's oci exporter keeps them) and the name's.
    /// </summary>
    private static SortedDictionary<string, string> Named(IReadOnlyDictionary<string, string>? own, References.ImageReference name)
    {
        var annotations = own is null ? new SortedDictionary<string, string>(StringComparer.Ordinal) : Sorted(own);
        annotations[OciLayout.ImageNameAnnotation] = name.ToString();
        annotations[OciLayout.RefNameAnnotation] = name.Tag!;
        return annotations;
    }

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> annotations) =>
        new(annotations.ToDictionary(), StringComparer.Ordinal);

    /// <summary>The manifest to put in the layout: the stored bytes when OCI, else an OCI rewrite of the same blobs.</summary>
    internal static (byte[] Bytes, ImageManifest Manifest) OciManifestFor(Images.ResolvedImage image)
    {
        var manifest = image.Manifest;
        if (image.ManifestDescriptor.MediaType == MediaTypes.OciManifest && manifest.MediaType is null or MediaTypes.OciManifest)
            return (image.RawManifest, manifest);
        var converted = manifest with
        {
            MediaType = MediaTypes.OciManifest,
            Config = manifest.Config with { MediaType = MediaTypes.OciConfig },
            Layers = manifest.Layers.Select(l => l with { MediaType = OciLayerMediaType(l.MediaType) }).ToList(),
        };
        return (Images.ImageJson.Serialize(converted), converted);
    }

    private static string OciLayerMediaType(string mediaType) => mediaType switch
    {
        MediaTypes.DockerLayerGzip => MediaTypes.OciLayerGzip,
        MediaTypes.DockerLayer => MediaTypes.OciLayer,
        MediaTypes.DockerForeignLayerGzip => MediaTypes.OciLayerNonDistributableGzip,
        _ => mediaType,
    };

    private static async ValueTask WriteBlobAsync(TarArchiveWriter tar, IContentProvider content, Descriptor descriptor, HashSet<Digest> written, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(descriptor.Digest);
        if (!written.Add(digest)) return;
        await using var reader = await content.OpenAsync(descriptor, cancellationToken).ConfigureAwait(false);
        await tar.WriteEntryAsync(FileEntry(OciLayout.BlobPath(digest), reader.Size), reader.Stream, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask WriteFileAsync(TarArchiveWriter tar, string name, byte[] bytes, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(bytes, writable: false);
        await tar.WriteEntryAsync(FileEntry(name, bytes.Length), data, cancellationToken).ConfigureAwait(false);
    }

    private static ValueTask WriteDirectoryAsync(TarArchiveWriter tar, string name, CancellationToken cancellationToken) =>
        tar.WriteEntryAsync(new ArchiveEntry
        {
            Name = name,
            Type = ArchiveEntryType.Directory,
            Mode = DirectoryMode,
            ModificationTime = DateTimeOffset.UnixEpoch,
        }, null, cancellationToken);

    private static ArchiveEntry FileEntry(string name, long size) => new()
    {
        Name = name,
        Type = ArchiveEntryType.RegularFile,
        Mode = FileMode,
        Size = size,
        ModificationTime = DateTimeOffset.UnixEpoch,
    };
}
