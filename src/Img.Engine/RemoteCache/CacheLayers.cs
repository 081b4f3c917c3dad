using Img.Engine.Diff;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;

namespace Img.Engine.RemoteCache;

/// <summary>
/// How a cache export writes step layers (<c>compression=</c>, <c>compression-level=</c>): the
/// transfer settings nodes use (gzip at its default level, so the blobs are those of a default
/// image export and shared with it) unless the export asks otherwise. Base layers are always
/// their images' blobs, as they are.
/// </summary>
public static class CacheLayers
{
    /// <summary>The settings for <paramref name="compression"/> (null: the default).</summary>
    public static ImageExportOptions Options(LayerCompressionOptions? compression)
    {
        if (compression is null)
            return ResultPublisher.DefaultTransferOptions;
        var options = new ImageExportOptions { Compression = compression with { Force = false } };
        return options.Compression == ResultPublisher.DefaultTransferOptions.Compression
               || (options.Compression.Compression == LayerCompression.Gzip && options.Compression.EffectiveLevel == LayerCompressionOptions.DefaultGzipLevel)
            ? ResultPublisher.DefaultTransferOptions
            : options;
    }

    /// <summary>The settings a message names (a compression's name, a level or -1 for its default).</summary>
    /// <exception cref="ArgumentException">An unknown compression name.</exception>
    public static ImageExportOptions Options(string compression, int level) => Options(new LayerCompressionOptions(compression switch
    {
        "uncompressed" => LayerCompression.None,
        "gzip" => LayerCompression.Gzip,
        "zstd" => LayerCompression.Zstd,
        _ => throw new ArgumentException($"unknown layer compression {compression}", nameof(compression)),
    }, level < 0 ? null : level));

    /// <summary>What a message names for <paramref name="options"/>.</summary>
    public static (string Compression, int Level) Describe(ImageExportOptions options) =>
        (LayerCompressionOptions.NameOf(options.Compression.Compression), options.Compression.Level ?? -1);
}
