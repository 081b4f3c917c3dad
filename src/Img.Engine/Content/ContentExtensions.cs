using System.Text.Json;
using Img.Engine.Oci;

namespace Img.Engine.Content;

/// <summary>Helpers over the narrowest content role they need.</summary>
public static class ContentExtensions
{
    /// <summary>Blobs larger than this are refused by <see cref="ReadAllBytesAsync"/> (manifests and configs are small).</summary>
    public const long MaxInMemoryBlobSize = 64L * 1024 * 1024;

    /// <summary>Reads a whole (small) blob: a manifest, an index, a config.</summary>
    public static async ValueTask<byte[]> ReadAllBytesAsync(this IContentProvider provider, Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        await using var reader = await provider.OpenAsync(descriptor, cancellationToken).ConfigureAwait(false);
        if (reader.Size > MaxInMemoryBlobSize)
            throw new InvalidOperationException($"blob {reader.Digest} is {reader.Size} bytes, too large to read into memory");
        var buffer = new byte[reader.Size];
        await reader.Stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer;
    }

    /// <summary>Reads and deserialises a JSON blob (manifest, index, config).</summary>
    public static async ValueTask<T> ReadJsonAsync<T>(this IContentProvider provider, Descriptor descriptor, CancellationToken cancellationToken = default)
    {
        var bytes = await provider.ReadAllBytesAsync(descriptor, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize<T>(bytes, Images.DocumentJson.Reading)
            ?? throw new InvalidDataException($"blob {descriptor.Digest} is JSON null, expected {typeof(T).Name}");
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the store, verifying it against the expected digest
    /// and size when given.
    /// </summary>
    public static async ValueTask<ContentInfo> WriteBlobAsync(this IContentIngester ingester, Stream source, Digest? expectedDigest = null, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        await using var writer = await ingester.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await source.CopyToAsync(writer.Stream, cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(expectedDigest, expectedSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores bytes (a manifest or config the caller just produced).</summary>
    public static async ValueTask<ContentInfo> WriteBlobAsync(this IContentIngester ingester, ReadOnlyMemory<byte> content, Digest? expectedDigest = null, CancellationToken cancellationToken = default)
    {
        await using var writer = await ingester.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
        await writer.Stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(expectedDigest, content.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores a blob described by <paramref name="descriptor"/>, verifying digest and size.</summary>
    public static ValueTask<ContentInfo> WriteBlobAsync(this IContentIngester ingester, Stream source, Descriptor descriptor, CancellationToken cancellationToken = default) =>
        ingester.WriteBlobAsync(source, Digest.Parse(descriptor.Digest), descriptor.Size, cancellationToken);

    /// <summary>True when the blob a descriptor names is in the store.</summary>
    public static ValueTask<bool> ExistsAsync(this IContentManager manager, Descriptor descriptor, CancellationToken cancellationToken = default) =>
        manager.ExistsAsync(Digest.Parse(descriptor.Digest), cancellationToken);
}
