using System.Text;
using Img.Engine.Diff;
using Img.Engine.Oci;

namespace Img.Engine.Graph;

/// <summary>
/// The digest encoding of op fields: each field as its name then its value on a
/// <see cref="CanonicalWriter"/>. Optional seconds and compression are left out entirely when
/// unset, so fields added that way did not move the digests of ops that do not use them.
/// </summary>
public sealed class OpDigestWriter(CanonicalWriter writer) : IOpFieldWriter
{
    public void String(string name, string value) => writer.Field(name).String(value);

    public void OptionalString(string name, string? value) => writer.Field(name).String(value);

    public void Bool(string name, bool value) => writer.Field(name).Bool(value);

    public void Int32(string name, int value) => writer.Field(name).Int(value);

    public void Int64(string name, long value) => writer.Field(name).Int(value);

    public void UInt32(string name, uint value) => writer.Field(name).Int(value);

    public void OptionalUInt32(string name, uint? value) => writer.Field(name).Int(value);

    public void Input(string name, OpInput? value) => writer.Field(name).Input(value);

    public void Strings(string name, IReadOnlyList<string> values) => writer.Field(name).Strings(values);

    public void Inputs(string name, IReadOnlyList<OpInput> values) => writer.Field(name).List(values, (w, i) => w.Input(i));

    public void Records<T>(string name, IReadOnlyList<T> values, OpSchema<T> schema) where T : class =>
        writer.Field(name).List(values, (_, v) => schema.Write(v, this));

    public void Variants<T>(string name, IReadOnlyList<T> values, OpUnion<T> union) where T : class =>
        writer.Field(name).List(values, (w, v) =>
        {
            var member = union.For(v);
            w.String(member.Kind);
            member.Write(v, this);
        });

    /// <summary>The platform string and the OS version; OS features are not part of it.</summary>
    public void Platform(string name, Platform? value) =>
        writer.Field(name).String(value is null ? null : value.ToString() + "|" + (value.OsVersion ?? ""));

    /// <summary>The config's fields one by one under their own names (<see cref="ImageConfigDigest"/>), not the field's.</summary>
    public void ImageConfig(string name, ImageConfig value) => ImageConfigDigest.Write(writer, value);

    public void Text(string name, string value) => writer.Field(name).Bytes(Encoding.UTF8.GetBytes(value));

    public void OptionalSeconds(string name, DateTimeOffset? value)
    {
        if (value is { } time)
            writer.Field(name).Int(time.ToUnixTimeSeconds());
    }

    /// <summary>Three fields, <c>NAME</c>, <c>NAME-level</c> and <c>force-NAME</c>, as the output attributes name them.</summary>
    public void Compression(string name, LayerCompressionOptions? value)
    {
        if (value is null)
            return;
        writer.Field(name).String(LayerCompressionOptions.NameOf(value.Compression));
        writer.Field(name + "-level").Int((long?)value.Level);
        writer.Field("force-" + name).Bool(value.Force);
    }

    /// <summary>Each part under its own name, and only when set: a step gains a field per option it uses.</summary>
    public void Resources(string name, ExecResources? value)
    {
        if (value is null)
            return;
        if (value.ExtraHosts.Count > 0)
            writer.Field("extrahosts").List(value.ExtraHosts, (w, h) => w.String(h.Host).String(h.Address));
        if (value.ShmSize != 0)
            writer.Field("shmsize").Int(value.ShmSize);
        if (value.Ulimits.Count > 0)
            writer.Field("ulimits").List(value.Ulimits, (w, u) => w.String(u.Name).Int(u.Soft).Int(u.Hard));
        if (value.CgroupParent.Length > 0)
            writer.Field("cgroupparent").String(value.CgroupParent);
    }

    public void Constant(string name, string value) => writer.Field(name).String(value);
}
