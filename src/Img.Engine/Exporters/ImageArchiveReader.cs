using System.Text.Json;
using System.Text.RegularExpressions;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.References;

namespace Img.Engine.Exporters;

/// <summary>
/// <c>img load</c>: reads a docker-archive (docker's <c>manifest.json</c>, old per-layer
/// directories or docker 25+'s <c>blobs/</c>, as docker, podman and skopeo write them) or an OCI
/// image layout tar, verifies it, and commits its blobs to the content store.
/// <list type="number">
/// <item>The tar is spooled to a temp directory (<see cref="SpooledArchive"/>); a truncated tar,
/// or an entry climbing out with <c>..</c>, fails here.</item>
/// <item>Every image is checked before anything is stored: blobs named <c>blobs/sha256/&lt;hex&gt;</c>
/// must hash to their name, descriptor sizes must match, and every layer's uncompressed digest
/// must be the config's diffID.</item>
/// <item>Blobs are committed (each one verified again by the store); naming the images is the
/// caller's last step, so a failure leaves no image pointing at missing content.</item>
/// </list>
/// A docker-archive's layers are stored as found (gzip or plain tar), so their digests are kept;
/// when the archive also carries an OCI manifest for the same config and layers (docker 25+,
/// <c>img save</c>), that manifest is reused, else an OCI manifest is made.
/// </summary>
public static partial class ImageArchiveReader
{
    [GeneratedRegex("^blobs/sha256/([0-9a-f]{64})$")]
    private static partial Regex BlobPathSyntax();

    [GeneratedRegex("^([0-9a-f]{64})\\.json$")]
    private static partial Regex LegacyConfigSyntax();

    public static async ValueTask<IReadOnlyList<LoadedImage>> LoadAsync(IContentStore content, Stream input, string tempDirectory, CancellationToken cancellationToken = default)
    {
        using var archive = await SpooledArchive.ReadAsync(input, tempDirectory, cancellationToken).ConfigureAwait(false);
        var plan = new Plan();
        IReadOnlyList<LoadedImage> images;
        if (archive.Contains(OciLayout.DockerManifestFile))
            images = await PlanDockerArchiveAsync(archive, plan, cancellationToken).ConfigureAwait(false);
        else if (archive.Contains(OciLayout.IndexFile))
            images = await PlanOciLayoutAsync(archive, plan, cancellationToken).ConfigureAwait(false);
        else
            throw new ArchiveFormatException("the archive has neither manifest.json (docker-archive) nor index.json (OCI layout): it is not an image archive");

        foreach (var (digest, (path, size)) in plan.Blobs)
        {
            if (await content.ExistsAsync(digest, cancellationToken).ConfigureAwait(false)) continue;
            await using var file = archive.Open(path);
            await content.WriteBlobAsync(file, digest, size, cancellationToken).ConfigureAwait(false);
        }
        foreach (var (digest, bytes) in plan.Documents)
        {
            if (await content.ExistsAsync(digest, cancellationToken).ConfigureAwait(false)) continue;
            await content.WriteBlobAsync(bytes, digest, cancellationToken).ConfigureAwait(false);
        }
        return images;
    }

    /// <summary>What to commit: archive files by digest, then generated documents (made manifests).</summary>
    private sealed class Plan
    {
        public Dictionary<Digest, (string Path, long Size)> Blobs { get; } = [];
        public Dictionary<Digest, byte[]> Documents { get; } = [];
    }

    private static async ValueTask<IReadOnlyList<LoadedImage>> PlanDockerArchiveAsync(SpooledArchive archive, Plan plan, CancellationToken cancellationToken)
    {
        var items = await ReadJsonAsync<List<DockerManifestItem>>(archive, OciLayout.DockerManifestFile, cancellationToken).ConfigureAwait(false);
        var ociManifests = archive.Contains(OciLayout.IndexFile)
            ? await OciManifestsAsync(archive, cancellationToken).ConfigureAwait(false)
            : [];
        var loaded = new List<LoadedImage>();
        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item.Config))
                throw new ArchiveFormatException("manifest.json: an entry has no Config");
            var configBytes = await archive.ReadAllBytesAsync(item.Config, cancellationToken).ConfigureAwait(false);
            var configDigest = Digest.Compute(configBytes);
            CheckNamedDigest(item.Config, configDigest, LegacyConfigSyntax());
            var config = Deserialize<ImageConfig>(configBytes, item.Config);
            var diffIds = config.RootFs.DiffIds;
            if (diffIds.Count != item.Layers.Count)
                throw new ArchiveFormatException($"manifest.json: {item.Config} lists {diffIds.Count} diffIDs but the entry has {item.Layers.Count} layers");

            var layers = new List<Descriptor>();
            for (var i = 0; i < item.Layers.Count; i++)
            {
                var path = item.Layers[i];
                var (descriptor, diffId) = await DescribeLayerAsync(archive, path, cancellationToken).ConfigureAwait(false);
                CheckNamedDigest(path, Digest.Parse(descriptor.Digest), null);
                if (diffId.ToString() != diffIds[i])
                    throw new ArchiveFormatException($"layer {path}: its content has diffID {diffId}, but the config lists {diffIds[i]}");
                plan.Blobs[Digest.Parse(descriptor.Digest)] = (path, descriptor.Size);
                layers.Add(descriptor);
            }
            plan.Blobs[configDigest] = (item.Config, configBytes.Length);

            var configDescriptor = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest.ToString(), Size = configBytes.Length };
            var target = ociManifests.FirstOrDefault(m =>
                m.Manifest.Config.Digest == configDescriptor.Digest &&
                m.Manifest.Layers.Select(l => l.Digest).SequenceEqual(layers.Select(l => l.Digest))).Descriptor;
            if (target is not null)
            {
                plan.Blobs[Digest.Parse(target.Digest)] = (OciLayout.BlobPath(Digest.Parse(target.Digest)), target.Size);
            }
            else
            {
                var manifestBytes = Images.ImageJson.Serialize(new ImageManifest
                {
                    MediaType = MediaTypes.OciManifest,
                    Config = configDescriptor,
                    Layers = layers,
                });
                var manifestDigest = Digest.Compute(manifestBytes);
                plan.Documents[manifestDigest] = manifestBytes;
                target = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = manifestDigest.ToString(), Size = manifestBytes.Length };
            }

            var tags = item.RepoTags ?? [];
            if (tags.Count == 0) loaded.Add(new LoadedImage(null, target, configDigest));
            foreach (var tag in tags)
                loaded.Add(new LoadedImage(ParseName(tag, "manifest.json RepoTags"), target, configDigest));
        }
        return loaded;
    }

    /// <summary>The verified OCI manifests an archive's index.json lists (for reuse by a docker-archive entry).</summary>
    private static async ValueTask<List<(Descriptor Descriptor, ImageManifest Manifest)>> OciManifestsAsync(SpooledArchive archive, CancellationToken cancellationToken)
    {
        var result = new List<(Descriptor, ImageManifest)>();
        ImageIndex index;
        try
        {
            index = await ReadJsonAsync<ImageIndex>(archive, OciLayout.IndexFile, cancellationToken).ConfigureAwait(false);
        }
        catch (ArchiveFormatException)
        {
            return result;
        }
        foreach (var entry in index.Manifests.Where(m => MediaTypes.IsManifest(m.MediaType)))
        {
            if (!Digest.TryParse(entry.Digest, out var digest)) continue;
            var path = OciLayout.BlobPath(digest);
            if (!archive.Contains(path) || archive.SizeOf(path) != entry.Size) continue;
            if (await archive.DigestOfAsync(path, cancellationToken).ConfigureAwait(false) != digest) continue;
            var manifest = Deserialize<ImageManifest>(await archive.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path);
            result.Add((new Descriptor { MediaType = entry.MediaType, Digest = entry.Digest, Size = entry.Size }, manifest));
        }
        return result;
    }

    private static async ValueTask<IReadOnlyList<LoadedImage>> PlanOciLayoutAsync(SpooledArchive archive, Plan plan, CancellationToken cancellationToken)
    {
        var index = await ReadJsonAsync<ImageIndex>(archive, OciLayout.IndexFile, cancellationToken).ConfigureAwait(false);
        var loaded = new List<LoadedImage>();
        foreach (var entry in index.Manifests)
        {
            var mediaType = entry.MediaType;
            var id = await PlanTreeAsync(archive, plan, entry, cancellationToken).ConfigureAwait(false);
            var target = new Descriptor { MediaType = mediaType, Digest = entry.Digest, Size = entry.Size };
            loaded.Add(new LoadedImage(NameFromAnnotations(entry.Annotations), target, id));
        }
        return loaded;
    }

    /// <summary>Verifies a manifest or index and everything below it; returns the config digest of a manifest.</summary>
    private static async ValueTask<Digest?> PlanTreeAsync(SpooledArchive archive, Plan plan, Descriptor descriptor, CancellationToken cancellationToken)
    {
        var digest = await PlanBlobAsync(archive, plan, descriptor, cancellationToken).ConfigureAwait(false);
        var path = OciLayout.BlobPath(digest);
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            var index = Deserialize<ImageIndex>(await archive.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path);
            foreach (var child in index.Manifests)
                await PlanTreeAsync(archive, plan, child, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (!MediaTypes.IsManifest(descriptor.MediaType))
            throw new ArchiveFormatException($"index.json: {descriptor.Digest} has media type \"{descriptor.MediaType}\", not an image manifest or index");
        var manifest = Deserialize<ImageManifest>(await archive.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path);
        var configDigest = await PlanBlobAsync(archive, plan, manifest.Config, cancellationToken).ConfigureAwait(false);
        var configPath = OciLayout.BlobPath(configDigest);
        var config = Deserialize<ImageConfig>(await archive.ReadAllBytesAsync(configPath, cancellationToken).ConfigureAwait(false), configPath);
        if (config.RootFs.DiffIds.Count != manifest.Layers.Count)
            throw new ArchiveFormatException($"manifest {descriptor.Digest} has {manifest.Layers.Count} layers but its config lists {config.RootFs.DiffIds.Count} diffIDs");
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var layer = manifest.Layers[i];
            var layerDigest = await PlanBlobAsync(archive, plan, layer, cancellationToken).ConfigureAwait(false);
            var (_, diffId) = await DescribeLayerAsync(archive, OciLayout.BlobPath(layerDigest), cancellationToken).ConfigureAwait(false);
            if (diffId.ToString() != config.RootFs.DiffIds[i])
                throw new ArchiveFormatException($"layer {layer.Digest}: its content has diffID {diffId}, but the config lists {config.RootFs.DiffIds[i]}");
        }
        return configDigest;
    }

    /// <summary>Checks that the blob a descriptor names is in the archive with that size and digest, and plans to store it.</summary>
    private static async ValueTask<Digest> PlanBlobAsync(SpooledArchive archive, Plan plan, Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (!Digest.TryParse(descriptor.Digest, out var digest))
            throw new ArchiveFormatException($"invalid digest \"{descriptor.Digest}\" in the archive");
        var path = OciLayout.BlobPath(digest);
        if (!archive.Contains(path))
            throw new ArchiveFormatException($"the archive is missing blob {digest} ({path})");
        var size = archive.SizeOf(path);
        if (size != descriptor.Size)
            throw new ArchiveFormatException($"blob {digest}: {size} bytes in the archive, but its descriptor says {descriptor.Size}");
        var actual = await archive.DigestOfAsync(path, cancellationToken).ConfigureAwait(false);
        if (actual != digest)
            throw new ArchiveFormatException($"blob {path} has digest {actual}: the archive is corrupt");
        plan.Blobs[digest] = (path, size);
        return digest;
    }

    /// <summary>A layer file's descriptor (media type from its compression) and its diffID.</summary>
    private static async ValueTask<(Descriptor Descriptor, Digest DiffId)> DescribeLayerAsync(SpooledArchive archive, string path, CancellationToken cancellationToken)
    {
        var digest = await archive.DigestOfAsync(path, cancellationToken).ConfigureAwait(false);
        var size = archive.SizeOf(path);
        CompressionKind kind;
        Digest diffId;
        await using (var file = archive.Open(path))
        {
            var header = new byte[Compression.MagicLength];
            var read = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            kind = Compression.Detect(header.AsSpan(0, read));
            if (kind == CompressionKind.None)
            {
                diffId = digest;
            }
            else
            {
                file.Position = 0;
                try
                {
                    await using var decompressed = await Compression.OpenDecompressedAsync(file, leaveOpen: true, cancellationToken).ConfigureAwait(false);
                    diffId = await Digest.ComputeAsync(decompressed, cancellationToken).ConfigureAwait(false);
                }
                catch (NotSupportedException e)
                {
                    throw new ArchiveFormatException($"layer {path}: {e.Message}", e);
                }
                catch (InvalidDataException e)
                {
                    throw new ArchiveFormatException($"layer {path} is corrupt: {e.Message}", e);
                }
            }
        }
        var mediaType = kind switch
        {
            CompressionKind.Gzip => MediaTypes.OciLayerGzip,
            CompressionKind.Zstd => MediaTypes.OciLayerZstd,
            _ => MediaTypes.OciLayer,
        };
        return (new Descriptor { MediaType = mediaType, Digest = digest.ToString(), Size = size }, diffId);
    }

    /// <summary>A file named <c>blobs/sha256/&lt;hex&gt;</c> (or matching <paramref name="legacy"/>) must hash to that hex.</summary>
    private static void CheckNamedDigest(string path, Digest actual, Regex? legacy)
    {
        var clean = ArchivePath.Clean(path);
        var match = BlobPathSyntax().Match(clean);
        if (!match.Success && legacy is not null) match = legacy.Match(clean);
        if (match.Success && match.Groups[1].Value != actual.Hex)
            throw new ArchiveFormatException($"{path} has digest {actual}: the archive is corrupt");
    }

    private static ImageReference? NameFromAnnotations(IReadOnlyDictionary<string, string>? annotations)
    {
        if (annotations is null) return null;
        if (annotations.TryGetValue(OciLayout.ImageNameAnnotation, out var full) && ImageReference.TryParse(full, out var named))
            return named;
        // A bare tag ("latest") names no repository; "busybox:1" or "localhost:5000/app" does.
        if (annotations.TryGetValue(OciLayout.RefNameAnnotation, out var refName) &&
            (refName.Contains(':') || refName.Contains('/')) && ImageReference.TryParse(refName, out var fromRef))
            return fromRef;
        return null;
    }

    private static ImageReference ParseName(string text, string where)
    {
        try
        {
            return ImageReference.Parse(text);
        }
        catch (InvalidReferenceException e)
        {
            throw new ArchiveFormatException($"{where}: \"{text}\" is not a valid image name: {e.Message}", e);
        }
    }

    private static async ValueTask<T> ReadJsonAsync<T>(SpooledArchive archive, string name, CancellationToken cancellationToken) =>
        Deserialize<T>(await archive.ReadAllBytesAsync(name, cancellationToken).ConfigureAwait(false), name);

    private static T Deserialize<T>(byte[] bytes, string name)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes) ?? throw new ArchiveFormatException($"{name} in the archive is JSON null");
        }
        catch (JsonException e)
        {
            throw new ArchiveFormatException($"{name} in the archive is not valid JSON: {e.Message}", e);
        }
    }
}
