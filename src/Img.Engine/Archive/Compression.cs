using System.IO.Compression;
using Img.Engine.Archive.Zstd;
using Img.Engine.Oci;

namespace Img.Engine.Archive;

/// <summary>
/// Recognises layer compression by magic bytes (the media type can lie: Docker's
/// <c>rootfs.diff.tar</c> is often gzip) and opens a decompressing stream: every reader of layers
/// and archives (pull, load, unpack, ADD) comes through here. Gzip is built in, zstd goes through
/// libzstd (<see cref="ZstdDecompressionStream"/>), bzip2 and xz through the <c>bzip2</c> / <c>xz</c>
/// programs (ADD of local archives).
/// </summary>
public static class Compression
{
    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B, 0x08];
    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xB5, 0x2F, 0xFD];
    private static ReadOnlySpan<byte> Bzip2Magic => [0x42, 0x5A, 0x68];
    private static ReadOnlySpan<byte> XzMagic => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];

    /// <summary>Bytes <see cref="Detect"/> needs to see.</summary>
    public const int MagicLength = 6;

    /// <summary>The compression whose magic <paramref name="header"/> starts with (None when unknown).</summary>
    public static CompressionKind Detect(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith(GzipMagic)) return CompressionKind.Gzip;
        if (header.StartsWith(ZstdMagic)) return CompressionKind.Zstd;
        if (header.StartsWith(XzMagic)) return CompressionKind.Xz;
        if (header.StartsWith(Bzip2Magic)) return CompressionKind.Bzip2;
        return CompressionKind.None;
    }

    /// <summary>The compression a layer media type declares.</summary>
    public static CompressionKind FromMediaType(string mediaType) => mediaType switch
    {
        _ when mediaType.EndsWith("+gzip", StringComparison.Ordinal) || mediaType.EndsWith(".tar.gzip", StringComparison.Ordinal) => CompressionKind.Gzip,
        _ when mediaType.EndsWith("+zstd", StringComparison.Ordinal) || mediaType.EndsWith(".tar.zstd", StringComparison.Ordinal) => CompressionKind.Zstd,
        MediaTypes.OciLayer or MediaTypes.DockerLayer => CompressionKind.None,
        _ => CompressionKind.None,
    };

    /// <summary>
    /// Returns a stream of the uncompressed bytes of <paramref name="source"/>, detecting the
    /// compression from its first bytes. The returned stream owns <paramref name="source"/>
    /// unless <paramref name="leaveOpen"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">zstd without libzstd, or bzip2/xz without their program installed.</exception>
    public static async ValueTask<Stream> OpenDecompressedAsync(Stream source, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        var header = new byte[MagicLength];
        var read = await source.ReadAtLeastAsync(header, MagicLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var prefixed = new PrefixedStream(header.AsMemory(0, read), source, leaveOpen);
        return Detect(header.AsSpan(0, read)) switch
        {
            CompressionKind.None => prefixed,
            CompressionKind.Gzip => new GZipStream(prefixed, CompressionMode.Decompress, leaveOpen: false),
            CompressionKind.Zstd => new ZstdDecompressionStream(prefixed, leaveOpen: false),
            CompressionKind.Bzip2 => ExternalDecompressionStream.Start(prefixed, leaveOpen: false, "bzip2", "bzip2"),
            CompressionKind.Xz => ExternalDecompressionStream.Start(prefixed, leaveOpen: false, "xz", "xz-utils"),
            var other => throw new NotSupportedException($"{other.ToString().ToLowerInvariant()}-compressed layers are not supported"),
        };
    }
}
