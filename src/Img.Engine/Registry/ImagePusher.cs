using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.Registry.Progress;

namespace Img.Engine.Registry;

/// <summary>
/// <c>img push</c>: sends the blobs of a local image in parallel (skipping what the registry has,
/// mounting from the repository it was pulled from when that is on the same registry), then each
/// manifest exactly as stored, then, for an index, the index: children (nested indexes too) by
/// digest before their parent, the root under the tag. Reports each step as a
/// <see cref="TransferEvent"/> to <c>progress</c> when given.
/// </summary>
public sealed class ImagePusher
{
    /// <summary>Indexes inside indexes are followed this deep, as the puller does.</summary>
    private const int MaxIndexDepth = 4;

    private readonly ImageTransfer _transfer;

    public ImagePusher(RegistryClients clients, IContentStore content, IImageStore images,
        IProgress<TransferEvent>? progress = null, int maxConcurrentUploads = 5) =>
        _transfer = new ImageTransfer(clients, content, images, progress, maxConcurrentUploads);

    /// <summary>Pushes the local image named <paramref name="reference"/> (a manifest or a whole index).</summary>
    public async Task<PushResult> PushAsync(ImageReference reference, CancellationToken ct = default)
    {
        if (reference.Tag is null)
            throw new ArgumentException($"cannot push a digest reference: {reference.FamiliarName}", nameof(reference));
        var image = await _transfer.Images.GetAsync(reference, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"An image does not exist locally with the tag: {reference.FamiliarRepository}");
        return await PushAsync(reference, image.Target, MountSource(image, reference), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Pushes the content-store graph under <paramref name="target"/> (an image manifest, or an
    /// index with every child present locally) as <paramref name="reference"/>'s tag, whether or
    /// not an image record names it: what a multi-platform build's <c>--push</c> calls with the
    /// index it wrote. <paramref name="mountFrom"/> is a repository of the same registry to mount
    /// blobs from, if any.
    /// </summary>
    public async Task<PushResult> PushAsync(ImageReference reference, Descriptor target, string? mountFrom, CancellationToken ct = default)
    {
        if (reference.Tag is null)
            throw new ArgumentException($"cannot push a digest reference: {reference.FamiliarName}", nameof(reference));
        var client = _transfer.Clients.Get(reference.Registry);
        _transfer.Report(new PushStarted(reference));
        var counts = new int[3];
        await PushTreeAsync(client, target, reference.Tag, mountFrom, counts, reference, depth: 0, ct).ConfigureAwait(false);
        _transfer.Report(new PushCompleted(reference, target.Digest, target.Size));
        return new PushResult(target.Digest, target.Size, counts[0], counts[1], counts[2]);
    }

    private async Task PushTreeAsync(RegistryClient client, Descriptor descriptor, string manifestReference, string? mountFrom,
        int[] counts, ImageReference reference, int depth, CancellationToken ct)
    {
        if (!MediaTypes.IsIndex(descriptor.MediaType))
        {
            await PushManifestAsync(client, reference.Repository, descriptor, manifestReference, mountFrom, counts, reference, ct).ConfigureAwait(false);
            return;
        }
        if (depth == MaxIndexDepth)
            throw new InvalidDataException($"cannot push {reference.FamiliarName}: indexes nested too deeply");
        var index = await ReadJsonAsync<ImageIndex>(descriptor, reference, ct).ConfigureAwait(false);
        foreach (var child in index.Manifests)
        {
            if (!await _transfer.Content.ExistsAsync(child, ct).ConfigureAwait(false))
                throw new InvalidOperationException(
                    $"cannot push {reference.FamiliarName}: the manifest for {child.Platform?.ToString() ?? child.Digest} is not in the local store");
            await PushTreeAsync(client, child, child.Digest, mountFrom, counts, reference, depth + 1, ct).ConfigureAwait(false);
        }
        var indexBytes = await _transfer.Content.ReadAllBytesAsync(descriptor, ct).ConfigureAwait(false);
        await client.PutManifestAsync(reference.Repository, manifestReference, indexBytes, descriptor.MediaType, ct).ConfigureAwait(false);
    }

    private async Task PushManifestAsync(RegistryClient client, string repository, Descriptor manifestDescriptor,
        string manifestReference, string? mountFrom, int[] counts, ImageReference reference, CancellationToken ct)
    {
        var manifest = await ReadJsonAsync<ImageManifest>(manifestDescriptor, reference, ct).ConfigureAwait(false);
        await _transfer.ForEachBlobAsync(manifest.Layers.Append(manifest.Config),
            async (blob, c) =>
            {
                var result = await client.PushBlobAsync(repository, blob, _transfer.Content, mountFrom, c).ConfigureAwait(false);
                Interlocked.Increment(ref counts[result switch { BlobPushResult.Uploaded => 0, BlobPushResult.Mounted => 1, _ => 2 }]);
                var state = result switch
                {
                    BlobPushResult.Uploaded => BlobTransferState.Uploaded,
                    BlobPushResult.Mounted => BlobTransferState.Mounted,
                    _ => BlobTransferState.FoundInRegistry,
                };
                _transfer.Report(new BlobTransferred(reference, blob, state, blob.Digest == manifest.Config.Digest,
                    state == BlobTransferState.Mounted ? mountFrom : null));
            }, ct).ConfigureAwait(false);
        var bytes = await _transfer.Content.ReadAllBytesAsync(manifestDescriptor, ct).ConfigureAwait(false);
        await client.PutManifestAsync(repository, manifestReference, bytes, manifestDescriptor.MediaType, ct).ConfigureAwait(false);
    }

    /// <summary>The repository to mount blobs from: where the image came from, if that is another repository of this registry.</summary>
    private static string? MountSource(Image image, ImageReference target)
    {
        if (image.Labels?.GetValueOrDefault(ImageLabels.Source) is not { } source) return null;
        var prefix = target.Registry + "/";
        if (!source.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var repository = source[prefix.Length..];
        return repository == target.Repository ? null : repository;
    }

    private async Task<T> ReadJsonAsync<T>(Descriptor descriptor, ImageReference reference, CancellationToken ct)
    {
        try
        {
            return await _transfer.Content.ReadJsonAsync<T>(descriptor, ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the local manifest {descriptor.Digest} of {reference.FamiliarName} is not valid JSON: {e.Message}", e);
        }
    }
}
