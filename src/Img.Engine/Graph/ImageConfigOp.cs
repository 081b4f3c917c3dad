using Img.Engine.Diff;
using Img.Engine.Oci;

namespace Img.Engine.Graph;

/// <summary>
/// The target vertex: the final root filesystem plus the image config and history the build
/// produces, so a config-only change (LABEL, CMD) changes the graph's identity. Exporters read
/// it; it runs nothing.
/// </summary>
/// <param name="Root">The target stage's filesystem; null = scratch.</param>
public sealed record ImageConfigOp(OpInput? Root, ImageConfig Config) : BuildOp
{
    /// <summary>
    /// <c>SOURCE_DATE_EPOCH</c> of the build (whole seconds): the exporter clamps history and config
    /// <c>created</c> and layer entry times to it. Part of the definition: another epoch, another image.
    /// </summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>
    /// The layer compression the build's outputs ask for (<c>-o ...,compression=zstd</c>); null =
    /// the node's default (gzip). Part of the definition: a zstd image is another image.
    /// </summary>
    public LayerCompressionOptions? Compression { get; init; }

    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<ImageConfigOp> Schema { get; } = new OpSchema<ImageConfigOp>("export", () => new(null, new ImageConfig()))
        .Input("root", x => x.Root, (x, v) => x with { Root = v })
        .ImageConfig("config", x => x.Config, (x, v) => x with { Config = v })
        // these two are absent from the digest when unset, so the digests from before them stay
        .OptionalSeconds("source_date_epoch", x => x.SourceDateEpoch, (x, v) => x with { SourceDateEpoch = v })
        .Compression("compression", x => x.Compression, (x, v) => x with { Compression = v })
        // how layers are diffed and written: an image exported by an older img (another
        // layer format) is not returned from the cache as if this img had made it
        .Constant("layer-format", LayerBlobFormat.Version);

    public override string Kind => Schema.Kind;

    public override IReadOnlyList<OpInput> Inputs => Distinct([Root]);

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with { Root = Root is null ? null : map(Root) };
}
