using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.Transfer;

namespace Img.Engine.RemoteCache.Registry;

/// <summary>
/// Blobs of one registry repository (a cache, or an image carrying an inline cache) as an
/// <see cref="IBlobSource"/>: layers and configs through the blob endpoint, image manifests
/// through the manifest endpoint (a registry keeps them apart). Every blob is verified by the
/// content store's commit; a failure is a <see cref="ResultUnavailableException"/> naming the
/// repository and the registry's answer.
/// </summary>
public sealed class RegistryBlobSource(RegistryClient client, string repository) : ICacheBlobSource
{
    public string Repository => repository;

    public async Task<ContentInfo> FetchAsync(Descriptor blob, IContentIngester destination, CancellationToken ct)
    {
        var digest = Digest.Parse(blob.Digest);
        try
        {
            if (IsManifest(blob))
            {
                var manifest = await client.GetManifestAsync(repository, blob.Digest, [blob.MediaType], ct).ConfigureAwait(false);
                return await destination.WriteBlobAsync(manifest.Content, digest, ct).ConfigureAwait(false);
            }
            return await client.GetBlobAsync(repository, blob, destination, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RegistryException or HttpRequestException or IOException or ContentVerificationException && !ct.IsCancellationRequested)
        {
            throw new ResultUnavailableException(digest, [new BlobHolderFailure(ToString(), e.Message)]);
        }
    }

    public async Task<bool> ExistsAsync(Descriptor blob, CancellationToken ct)
    {
        if (!IsManifest(blob))
            return await client.BlobExistsAsync(repository, blob.Digest, ct).ConfigureAwait(false);
        try
        {
            var manifest = await client.GetManifestAsync(repository, blob.Digest, [blob.MediaType], ct).ConfigureAwait(false);
            return manifest.Content.LongLength == blob.Size;
        }
        catch (RegistryException e) when (e.Kind is RegistryErrorKind.ManifestUnknown or RegistryErrorKind.NameUnknown)
        {
            return false;
        }
    }

    public async Task<byte[]> ReadAsync(Descriptor blob, int maxSize, CancellationToken ct)
    {
        if (blob.Size > maxSize)
            throw new InvalidDataException($"{this}@{blob.Digest} is {blob.Size} bytes, more than the {maxSize} allowed");
        if (IsManifest(blob))
            return (await client.GetManifestAsync(repository, blob.Digest, [blob.MediaType], ct).ConfigureAwait(false)).Content;
        using var memory = new MemoryStream();
        await client.GetBlobAsync(repository, blob, memory, ct).ConfigureAwait(false);
        return memory.ToArray();
    }

    private static bool IsManifest(Descriptor blob) => MediaTypes.IsManifest(blob.MediaType) || MediaTypes.IsIndex(blob.MediaType);

    public override string ToString() => $"{client.Endpoint.Name}/{repository}";
}
