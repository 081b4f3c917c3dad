using System.Globalization;
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

    public override string Kind => "export";

    public override IReadOnlyList<OpInput> Inputs => Distinct([Root]);

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with { Root = Root is null ? null : map(Root) };

    public override void Encode(CanonicalWriter w)
    {
        w.Field("root").Input(Root);
        var c = Config;
        w.Field("architecture").String(c.Architecture);
        w.Field("os").String(c.Os);
        w.Field("os.version").String(c.OsVersion);
        w.Field("variant").String(c.Variant);
        w.Field("author").String(c.Author);
        w.Field("created").String(Time(c.Created));
        var cc = c.Config;
        w.Field("User").String(cc.User);
        w.Field("ExposedPorts").Strings(cc.ExposedPorts?.Keys.Order(StringComparer.Ordinal).ToArray());
        w.Field("Env").Strings(cc.Env);
        w.Field("Entrypoint").Strings(cc.Entrypoint);
        w.Field("Cmd").Strings(cc.Cmd);
        w.Field("Volumes").Strings(cc.Volumes?.Keys.Order(StringComparer.Ordinal).ToArray());
        w.Field("WorkingDir").String(cc.WorkingDir);
        w.Field("Labels").Map(cc.Labels);
        w.Field("StopSignal").String(cc.StopSignal);
        w.Field("ArgsEscaped").Bool(cc.ArgsEscaped);
        var h = cc.Healthcheck;
        w.Field("Healthcheck");
        if (h is null)
        {
            w.Null();
        }
        else
        {
            w.Strings(h.Test).Int(h.Interval).Int(h.Timeout).Int(h.StartPeriod).Int(h.StartInterval).Int(h.Retries);
        }
        w.Field("OnBuild").Strings(cc.OnBuild);
        w.Field("Shell").Strings(cc.Shell);
        w.Field("diff_ids").Strings(c.RootFs.DiffIds);
        w.Field("history").List(c.History, (writer, e) => writer
            .String(Time(e.Created)).String(e.CreatedBy).String(e.Author).String(e.Comment).Bool(e.EmptyLayer));
        if (SourceDateEpoch is { } epoch) // absent when unset, so existing digests stay
            w.Field("source_date_epoch").Int(epoch.ToUnixTimeSeconds());
        if (Compression is { } compression) // likewise
        {
            w.Field("compression").String(LayerCompressionOptions.NameOf(compression.Compression));
            w.Field("compression-level").Int((long?)compression.Level);
            w.Field("force-compression").Bool(compression.Force);
        }
        // how layers are diffed and written: an image exported by an older img (another
        // layer format) is not returned from the cache as if this img had made it
        w.Field("layer-format").String(LayerBlobFormat.Version);
    }

    private static string? Time(DateTimeOffset? t) => t?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
