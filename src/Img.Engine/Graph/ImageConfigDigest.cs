using System.Globalization;
using Img.Engine.Oci;

namespace Img.Engine.Graph;

/// <summary>
/// The image config as the export op's digest covers it: every field a Dockerfile can set, under
/// its JSON name, maps and sets sorted by ordinal key. (The wire carries the config as its JSON instead.)
/// </summary>
internal static class ImageConfigDigest
{
    public static void Write(CanonicalWriter w, ImageConfig c)
    {
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
            w.Null();
        else
            w.Strings(h.Test).Int(h.Interval).Int(h.Timeout).Int(h.StartPeriod).Int(h.StartInterval).Int(h.Retries);
        w.Field("OnBuild").Strings(cc.OnBuild);
        w.Field("Shell").Strings(cc.Shell);
        w.Field("diff_ids").Strings(c.RootFs.DiffIds);
        w.Field("history").List(c.History, (writer, e) => writer
            .String(Time(e.Created)).String(e.CreatedBy).String(e.Author).String(e.Comment).Bool(e.EmptyLayer));
    }

    private static string? Time(DateTimeOffset? t) => t?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
