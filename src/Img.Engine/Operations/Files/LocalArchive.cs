using Img.Engine.Archive;
using Img.Engine.Native;

namespace Img.Engine.Operations.Files;

/// <summary>
/// ADD's local archives: a regular file whose content (after gzip, bzip2, xz or zstd
/// decompression, recognised by magic bytes whatever the name) starts with a valid tar header
/// is extracted into the destination directory instead of being copied. Extraction goes through
/// <see cref="SafeUnpacker"/> (contained in the destination, no whiteouts); entries keep the
/// tar's owners unless <c>--chown</c> gives one; <c>--chmod</c> does not apply.
/// </summary>
internal static class LocalArchive
{
    /// <summary>Whether the file at <paramref name="hostPath"/> is a (compressed) tar with at least one entry.</summary>
    public static async Task<bool> IsArchiveAsync(string hostPath, CancellationToken ct)
    {
        if (Posix.TryLStat(hostPath) is not { IsRegular: true }) return false;
        try
        {
            await using var file = File.OpenRead(hostPath);
            await using var plain = await OpenAsync(file, ct).ConfigureAwait(false);
            await using var reader = new TarArchiveReader(plain, leaveOpen: true);
            return await reader.ReadNextAsync(ct).ConfigureAwait(false) is not null;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or ArgumentException or OverflowException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Extracts the archive into <paramref name="destinationHost"/>, which exists.</summary>
    public static async Task ExtractAsync(string hostPath, string destinationHost, FileOwner? owner, CancellationToken ct)
    {
        await using var file = File.OpenRead(hostPath);
        await using var plain = await OpenAsync(file, ct).ConfigureAwait(false);
        await SafeUnpacker.ApplyAsync(plain, destinationHost, new UnpackOptions
        {
            ApplyWhiteouts = false,
            Decompress = false,
            Owner = owner is { } o ? (o.Uid, o.Gid) : null,
        }, ct).ConfigureAwait(false);
    }

    private static ValueTask<Stream> OpenAsync(Stream file, CancellationToken ct) =>
        Compression.OpenDecompressedAsync(file, leaveOpen: true, ct);
}
