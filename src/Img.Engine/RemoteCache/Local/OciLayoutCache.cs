using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Exporters;
using Img.Engine.Native;
using Img.Engine.Oci;

namespace Img.Engine.RemoteCache.Local;

/// <summary>
/// <c>type=local</c> caches: an OCI image layout directory (<c>oci-layout</c>, <c>index.json</c>,
/// <c>blobs/sha256/</c>) whose <c>index.json</c> names the <see cref="CacheArtifact"/> by tag
/// (<c>org.opencontainers.image.ref.name</c>, default <c>latest</c>), as BuildKit's local cache does.
/// <para>
/// Writing is atomic: blobs are written under temporary names, fsynced and renamed into place (a
/// blob path only ever holds its complete content), and <c>index.json</c> is replaced last, by a
/// rename. A writer killed at any point leaves the previous cache readable. Blobs no tag of the
/// new index reaches are deleted afterwards, so the directory does not grow with every export.
/// </para>
/// </summary>
public static class OciLayoutCache
{
    public const string DefaultTag = "latest";
    private const string TempPrefix = ".tmp-";

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The cache manifest <paramref name="tag"/> names.</summary>
    /// <exception cref="InvalidDataException">No layout, no such tag, or an unreadable index.</exception>
    public static async Task<Descriptor> ResolveAsync(string directory, string tag, CancellationToken ct)
    {
        var index = await ReadIndexAsync(directory, ct).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{directory} is not a cache directory: it has no {OciLayout.IndexFile}");
        return index.Manifests.LastOrDefault(m => m.Annotations?.GetValueOrDefault(OciLayout.RefNameAnnotation) == tag)
            ?? throw new InvalidDataException($"{directory}: {OciLayout.IndexFile} has no cache tagged \"{tag}\"");
    }

    /// <summary>Writes the cache under <paramref name="tag"/>, replacing what the tag named; returns the artifact manifest.</summary>
    public static async Task<Descriptor> WriteAsync(string directory, string tag, CacheDescription description, ICacheExportSource blobs, Action<string>? status, CancellationToken ct)
    {
        var blobsDir = Path.Join(directory, OciLayout.BlobsDirectory, Digest.Sha256);
        Directory.CreateDirectory(blobsDir);
        var artifact = CacheArtifact.Of(description);
        foreach (var layer in artifact.Layers)
        {
            if (await CopyAsync(blobsDir, layer, blobs, ct).ConfigureAwait(false))
                status?.Invoke($"writing layer {layer.Digest}");
        }
        foreach (var image in CacheArtifact.Images(description))
        {
            await CopyAsync(blobsDir, image, blobs, ct).ConfigureAwait(false);
            var manifest = JsonSerializer.Deserialize<ImageManifest>(await File.ReadAllBytesAsync(BlobPath(directory, image), ct).ConfigureAwait(false))
                ?? throw new InvalidDataException($"image manifest {image.Digest} is JSON null");
            foreach (var blob in manifest.Layers.Prepend(manifest.Config))
                await CopyAsync(blobsDir, blob, blobs, ct).ConfigureAwait(false);
            status?.Invoke($"writing image {image.Digest}");
        }
        await WriteBlobAsync(blobsDir, artifact.ConfigDescriptor, artifact.Config, ct).ConfigureAwait(false);
        status?.Invoke($"writing config {artifact.ConfigDescriptor.Digest}");
        await WriteBlobAsync(blobsDir, artifact.ManifestDescriptor, artifact.Manifest, ct).ConfigureAwait(false);

        var layoutFile = Path.Join(directory, OciLayout.LayoutFile);
        if (!File.Exists(layoutFile))
            await ReplaceAsync(layoutFile, System.Text.Encoding.UTF8.GetBytes(OciLayout.LayoutContent), ct).ConfigureAwait(false);
        var previous = await ReadIndexAsync(directory, ct).ConfigureAwait(false);
        var entry = artifact.ManifestDescriptor with { Annotations = new Dictionary<string, string> { [OciLayout.RefNameAnnotation] = tag } };
        var index = new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [.. (previous?.Manifests ?? []).Where(m => m.Annotations?.GetValueOrDefault(OciLayout.RefNameAnnotation) != tag), entry],
        };
        await ReplaceAsync(Path.Join(directory, OciLayout.IndexFile), JsonSerializer.SerializeToUtf8Bytes(index, Json), ct).ConfigureAwait(false);
        status?.Invoke($"writing cache manifest {artifact.ManifestDescriptor.Digest}");
        await CollectGarbageAsync(directory, index, ct).ConfigureAwait(false);
        return artifact.ManifestDescriptor;
    }

    private static string BlobPath(string directory, Descriptor blob) => OciLayoutBlobSource.PathOf(directory, Digest.Parse(blob.Digest));

    private static async Task<ImageIndex?> ReadIndexAsync(string directory, CancellationToken ct)
    {
        var path = Path.Join(directory, OciLayout.IndexFile);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<ImageIndex>(await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false))
                ?? throw new JsonException("null index");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not an OCI index: {e.Message}", e);
        }
    }

    /// <summary>Copies a blob in unless the layout has it; true when it was copied.</summary>
    private static async Task<bool> CopyAsync(string blobsDir, Descriptor blob, ICacheExportSource blobs, CancellationToken ct)
    {
        var digest = Digest.Parse(blob.Digest);
        var final = Path.Join(blobsDir, digest.Hex);
        var existing = new FileInfo(final);
        if (existing.Exists && existing.Length == blob.Size)
            return false;
        await using var source = await blobs.OpenAsync(blob, ct).ConfigureAwait(false);
        await WriteVerifiedAsync(blobsDir, final, digest, blob.Size, source, ct).ConfigureAwait(false);
        return true;
    }

    private static async Task WriteBlobAsync(string blobsDir, Descriptor blob, byte[] bytes, CancellationToken ct)
    {
        var final = Path.Join(blobsDir, Digest.Parse(blob.Digest).Hex);
        if (!File.Exists(final))
            await WriteVerifiedAsync(blobsDir, final, Digest.Parse(blob.Digest), bytes.Length, new MemoryStream(bytes), ct).ConfigureAwait(false);
    }

    /// <summary>Temp file, hashed while written, fsynced, renamed: the blob path never holds a partial or wrong blob.</summary>
    private static async Task WriteVerifiedAsync(string blobsDir, string final, Digest digest, long size, Stream source, CancellationToken ct)
    {
        var temp = Path.Join(blobsDir, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await using var hashing = new DigestingStream(file, leaveOpen: true);
                await source.CopyToAsync(hashing, ct).ConfigureAwait(false);
                await hashing.FlushAsync(ct).ConfigureAwait(false);
                if (hashing.Digest != digest || file.Length != size)
                    throw new InvalidDataException($"blob {digest} ({size} bytes) was read as {hashing.Digest} ({file.Length} bytes)");
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, final, overwrite: true);
            Posix.FsyncDirectory(blobsDir);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    private static async Task ReplaceAsync(string path, byte[] bytes, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Join(directory, TempPrefix + Path.GetFileName(path) + "-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                await file.WriteAsync(bytes, ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            Posix.FsyncDirectory(directory);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Deletes blobs no tag reaches, and temporary files of killed writers (after the index was replaced).</summary>
    private static async Task CollectGarbageAsync(string directory, ImageIndex index, CancellationToken ct)
    {
        var reachable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in index.Manifests)
            await MarkAsync(directory, entry, reachable, ct).ConfigureAwait(false);
        var blobsDir = Path.Join(directory, OciLayout.BlobsDirectory, Digest.Sha256);
        foreach (var file in Directory.EnumerateFiles(blobsDir))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith(TempPrefix, StringComparison.Ordinal) || !reachable.Contains(name))
                File.Delete(file);
        }
        foreach (var file in Directory.EnumerateFiles(directory, TempPrefix + "*"))
            File.Delete(file);
    }

    /// <summary>Marks a manifest's blobs; a cache artifact's export records' images too. A blob that cannot be read keeps nothing else alive.</summary>
    private static async Task MarkAsync(string directory, Descriptor manifest, HashSet<string> reachable, CancellationToken ct)
    {
        if (!Digest.TryParse(manifest.Digest, out var digest) || !reachable.Add(digest.Hex))
            return;
        ImageManifest? document;
        try
        {
            document = JsonSerializer.Deserialize<ImageManifest>(await File.ReadAllBytesAsync(BlobPath(directory, manifest), ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return;
        }
        if (document?.Config is not { } config || !Digest.TryParse(config.Digest, out var configDigest))
            return;
        reachable.Add(configDigest.Hex);
        foreach (var layer in document.Layers ?? [])
        {
            if (Digest.TryParse(layer.Digest, out var d))
                reachable.Add(d.Hex);
        }
        if (!config.MediaType.StartsWith(CacheDescription.MediaTypePrefix, StringComparison.Ordinal))
            return;
        try
        {
            var description = CacheDescription.Parse(await File.ReadAllBytesAsync(BlobPath(directory, config), ct).ConfigureAwait(false));
            foreach (var image in CacheArtifact.Images(description))
                await MarkAsync(directory, image, reachable, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // another img version's cache: its images are not known here, and stay
            foreach (var file in Directory.EnumerateFiles(Path.Join(directory, OciLayout.BlobsDirectory, Digest.Sha256)))
                reachable.Add(Path.GetFileName(file));
        }
    }
}
