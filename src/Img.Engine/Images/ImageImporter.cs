using System.Text.Json;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Diff;
using Img.Engine.Oci;
using Img.Engine.Platforms;

namespace Img.Engine.Images;

/// <summary>
/// <c>img import</c>: turns a root file system tarball (plain or gzip) into a single-layer image:
/// a gzip layer blob, a config with <c>rootfs.diff_ids</c> and one history entry, and an OCI
/// manifest, all committed to the content store. Naming the result is the caller's job.
/// The tarball is spooled to <c>tempDirectory</c>, checked to be a readable tar, then compressed;
/// a truncated or non-tar input fails before anything is stored.
/// </summary>
public static class ImageImporter
{
    public static async ValueTask<ImportResult> ImportAsync(IContentStore content, Stream tarball, string tempDirectory, ImportOptions options, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(tempDirectory);
        var spool = Path.Combine(tempDirectory, "import-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            Digest diffId;
            await using (var decompressed = await Compression.OpenDecompressedAsync(tarball, leaveOpen: true, cancellationToken).ConfigureAwait(false))
            await using (var hashing = new DigestingStream(decompressed, leaveOpen: true))
            await using (var file = File.Create(spool))
            {
                await hashing.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                diffId = hashing.Digest;
            }
            await ValidateTarAsync(spool, cancellationToken).ConfigureAwait(false);

            Descriptor layer;
            await using (var writer = await content.OpenWriterAsync(cancellationToken).ConfigureAwait(false))
            {
                // the layer compressor of builds: every core, same level as built layers
                await using (var gzip = new ParallelGzipStream(writer.Stream, LayerCompressionOptions.DefaultGzipLevel))
                await using (var source = File.OpenRead(spool))
                {
                    await source.CopyToAsync(gzip, cancellationToken).ConfigureAwait(false);
                    gzip.Complete();
                }
                var info = await writer.CommitAsync(null, null, cancellationToken).ConfigureAwait(false);
                layer = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = info.Digest.ToString(), Size = info.Size };
            }

            var created = (options.Created ?? DateTimeOffset.UtcNow).ToUniversalTime();
            var platform = options.Platform ?? PlatformSpec.Default();
            var message = string.IsNullOrEmpty(options.Message) ? "Imported from " + options.Source : options.Message;
            var config = new ImageConfig
            {
                Created = created,
                Architecture = platform.Architecture,
                Os = platform.Os,
                Variant = string.IsNullOrEmpty(platform.Variant) ? null : platform.Variant,
                Config = options.Config ?? new ContainerConfig(),
                RootFs = new RootFs { DiffIds = [diffId.ToString()] },
                History = [new HistoryEntry { Created = created, Comment = message }],
            };
            var configBytes = ImageJson.Serialize(config);
            var configInfo = await content.WriteBlobAsync(configBytes, null, cancellationToken).ConfigureAwait(false);
            var manifest = new ImageManifest
            {
                MediaType = MediaTypes.OciManifest,
                Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configInfo.Digest.ToString(), Size = configInfo.Size },
                Layers = [layer],
            };
            var manifestBytes = ImageJson.Serialize(manifest);
            var manifestInfo = await content.WriteBlobAsync(manifestBytes, null, cancellationToken).ConfigureAwait(false);
            return new ImportResult(
                new Descriptor { MediaType = MediaTypes.OciManifest, Digest = manifestInfo.Digest.ToString(), Size = manifestInfo.Size },
                configInfo.Digest, layer, diffId);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    /// <summary>Reads every entry header and skips every entry's data: a truncated or non-tar file throws.</summary>
    private static async ValueTask ValidateTarAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var entries = 0;
        try
        {
            await using var reader = new TarArchiveReader(file, leaveOpen: true);
            while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                entries++;
                if (reader.Data is { } data) await data.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or InvalidDataException)
        {
            throw new InvalidDataException($"the tarball is truncated or not a tar archive: {e.Message}", e);
        }
        if (entries == 0) throw new InvalidDataException("the tarball is empty: it has no tar entries");
    }
}
