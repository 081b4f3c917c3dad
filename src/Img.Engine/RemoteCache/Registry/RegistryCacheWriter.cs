using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;

namespace Img.Engine.RemoteCache.Registry;

/// <summary>
/// <c>--cache-to type=registry,ref=REPO:TAG</c>: pushes what the repository lacks (a HEAD first;
/// a cross-repository mount when the blob is known in another repository of the registry;
/// an upload last), the images of export records (their blobs, then their manifests by digest),
/// the description, and last the <see cref="CacheArtifact"/> manifest under the tag, so the tag
/// names a complete cache or the previous one.
/// </summary>
public sealed class RegistryCacheWriter(RegistryClient client, string repository, int parallelism = 4)
{
    /// <summary>Blobs that went up (not mounted, not already there).</summary>
    public int Uploaded => _uploaded;

    private int _uploaded;

    /// <param name="status">Progress lines (<c>writing layer sha256:...</c>).</param>
    public async Task<Descriptor> WriteAsync(string tag, CacheDescription description, ICacheExportSource blobs, Action<string>? status, CancellationToken ct)
    {
        var artifact = CacheArtifact.Of(description);
        await PushBlobsAsync(artifact.Layers, blobs, status, ct).ConfigureAwait(false);
        foreach (var image in CacheArtifact.Images(description))
        {
            var bytes = await ReadAllAsync(blobs, image, ct).ConfigureAwait(false);
            var manifest = JsonSerializer.Deserialize<ImageManifest>(bytes) ?? throw new InvalidDataException($"image manifest {image.Digest} is JSON null");
            await PushBlobsAsync([manifest.Config, .. manifest.Layers], blobs, status, ct).ConfigureAwait(false);
            await client.PutManifestAsync(repository, image.Digest, bytes, image.MediaType, ct).ConfigureAwait(false);
            status?.Invoke($"writing image {image.Digest}");
        }
        await client.PushBlobAsync(repository, artifact.ConfigDescriptor, _ => Task.FromResult<Stream>(new MemoryStream(artifact.Config)), null, ct).ConfigureAwait(false);
        status?.Invoke($"writing config {artifact.ConfigDescriptor.Digest}");
        await client.PutManifestAsync(repository, tag, artifact.Manifest, MediaTypes.OciManifest, ct).ConfigureAwait(false);
        status?.Invoke($"writing cache manifest {artifact.ManifestDescriptor.Digest}");
        return artifact.ManifestDescriptor;
    }

    private Task PushBlobsAsync(IEnumerable<Descriptor> layers, ICacheExportSource blobs, Action<string>? status, CancellationToken ct) =>
        Parallel.ForEachAsync(layers.DistinctBy(b => b.Digest, StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            async (blob, c) =>
            {
                var result = await client.PushBlobAsync(repository, blob, o => blobs.OpenAsync(blob, o), blobs.MountSource(blob, client.Endpoint.Name), c).ConfigureAwait(false);
                if (result == BlobPushResult.Uploaded)
                {
                    Interlocked.Increment(ref _uploaded);
                    status?.Invoke($"writing layer {blob.Digest}");
                }
            });

    private static async Task<byte[]> ReadAllAsync(ICacheExportSource blobs, Descriptor blob, CancellationToken ct)
    {
        await using var stream = await blobs.OpenAsync(blob, ct).ConfigureAwait(false);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, ct).ConfigureAwait(false);
        var bytes = memory.ToArray();
        if (Digest.Compute(bytes).ToString() != blob.Digest)
            throw new InvalidDataException($"image manifest {blob.Digest} does not match its digest");
        return bytes;
    }
}
