using Img.Cli.CommandLine;
using Img.Engine.Diff;

namespace Img.Cli.Commands.Build;

/// <summary>
/// The one layer compression of a build: the export writes one image, which every output
/// (image store, push, oci/docker archives) then carries, so outputs may not disagree.
/// </summary>
public static class OutputCompression
{
    /// <summary>The compression the outputs name (null = none names one: gzip).</summary>
    /// <exception cref="UsageException">Two outputs ask for different compressions.</exception>
    public static LayerCompressionOptions? Resolve(IReadOnlyList<OutputSpec> outputs)
    {
        var asked = outputs.Select(o => o.Compression).OfType<LayerCompressionOptions>().ToList();
        // compression=zstd and compression=zstd,compression-level=3 ask for the same layers.
        if (asked.Select(c => (c.Compression, c.EffectiveLevel, c.Force)).Distinct().Count() > 1)
            throw new UsageException("conflicting layer compression in \"-o, --output\" values: every output of a build shares one image", "build");
        return asked.FirstOrDefault();
    }
}
