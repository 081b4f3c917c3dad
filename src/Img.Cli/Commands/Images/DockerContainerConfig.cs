using System.Text.Json;
using Img.Cli.Commands.Images.Formatting;

namespace Img.Cli.Commands.Images;

/// <summary>
/// An image's runtime config as docker's inspect shows it: moby's <c>container.Config</c>, every
/// field present whether the image config sets it or not (unset lists and maps are nil, so
/// <c>{{.Config.OnBuild}}</c> prints <c>[]</c> and <c>{{json .Config.OnBuild}}</c> <c>null</c>),
/// and only the fields tagged <c>omitempty</c> (ExposedPorts, Healthcheck, ArgsEscaped,
/// NetworkDisabled, MacAddress, StopSignal, StopTimeout, Shell) left out of the JSON when unset.
/// Fields the config does not name are dropped, as docker's decoding drops them.
/// </summary>
public static class DockerContainerConfig
{
    /// <summary><c>*container.Config</c> from the <c>config</c> (or <c>container_config</c>) object of an image config.</summary>
    public static GoPointer From(JsonElement? config)
    {
        var c = config is { ValueKind: JsonValueKind.Object } o ? o : default(JsonElement?);
        return new GoPointer(new GoStruct("container.Config",
        [
            new GoField("Hostname", String(c, "Hostname")),
            new GoField("Domainname", String(c, "Domainname")),
            new GoField("User", String(c, "User")),
            new GoField("AttachStdin", Bool(c, "AttachStdin")),
            new GoField("AttachStdout", Bool(c, "AttachStdout")),
            new GoField("AttachStderr", Bool(c, "AttachStderr")),
            new GoField("ExposedPorts", Set(c, "ExposedPorts"), OmitEmpty: true),
            new GoField("Tty", Bool(c, "Tty")),
            new GoField("OpenStdin", Bool(c, "OpenStdin")),
            new GoField("StdinOnce", Bool(c, "StdinOnce")),
            new GoField("Env", Strings(c, "Env")),
            new GoField("Cmd", Strings(c, "Cmd")),
            new GoField("Healthcheck", Healthcheck(c), OmitEmpty: true),
            new GoField("ArgsEscaped", Bool(c, "ArgsEscaped"), OmitEmpty: true),
            new GoField("Image", String(c, "Image")),
            new GoField("Volumes", Set(c, "Volumes")),
            new GoField("WorkingDir", String(c, "WorkingDir")),
            new GoField("Entrypoint", Strings(c, "Entrypoint")),
            new GoField("NetworkDisabled", Bool(c, "NetworkDisabled"), OmitEmpty: true),
            new GoField("MacAddress", String(c, "MacAddress"), OmitEmpty: true),
            new GoField("OnBuild", Strings(c, "OnBuild")),
            new GoField("Labels", Labels(c)),
            new GoField("StopSignal", String(c, "StopSignal"), OmitEmpty: true),
            new GoField("StopTimeout", StopTimeout(c), OmitEmpty: true),
            new GoField("Shell", Strings(c, "Shell"), OmitEmpty: true),
        ]), "container.Config");
    }

    /// <summary>
    /// <c>*container.HealthConfig</c>, with docker 25's StartInterval (printed as
    /// <c>{[CMD-SHELL true] 5s 3s 0s 0s 3}</c>).
    /// </summary>
    private static GoPointer Healthcheck(JsonElement? c)
    {
        if (Property(c, "Healthcheck") is not { ValueKind: JsonValueKind.Object } h)
            return new GoPointer(null, "container.HealthConfig");
        return new GoPointer(new GoStruct("container.HealthConfig",
        [
            new GoField("Test", Strings(h, "Test"), OmitEmpty: true),
            new GoField("Interval", Duration(h, "Interval"), OmitEmpty: true),
            new GoField("Timeout", Duration(h, "Timeout"), OmitEmpty: true),
            new GoField("StartPeriod", Duration(h, "StartPeriod"), OmitEmpty: true),
            new GoField("StartInterval", Duration(h, "StartInterval"), OmitEmpty: true),
            new GoField("Retries", Property(h, "Retries") is { ValueKind: JsonValueKind.Number } r && r.TryGetInt64(out var n) ? new GoNumber(n) : new GoNumber(0), OmitEmpty: true),
        ]), "container.HealthConfig");
    }

    private static GoPointer StopTimeout(JsonElement? c) =>
        new(Property(c, "StopTimeout") is { ValueKind: JsonValueKind.Number } t && t.TryGetInt64(out var n) ? new GoNumber(n) : null, "int");

    private static GoDuration Duration(JsonElement h, string name) =>
        new(Property(h, name) is { ValueKind: JsonValueKind.Number } d && d.TryGetInt64(out var n) ? n : 0);

    private static GoString String(JsonElement? c, string name) =>
        Property(c, name) is { ValueKind: JsonValueKind.String } s ? new GoString(s.GetString()!) : GoString.Empty;

    private static GoBool Bool(JsonElement? c, string name) => new(Property(c, name) is { ValueKind: JsonValueKind.True });

    /// <summary>A string list; moby's <c>StrSlice</c> also reads a single string as a one-item list.</summary>
    private static GoList Strings(JsonElement? c, string name) => Property(c, name) switch
    {
        { ValueKind: JsonValueKind.Array } a => GoList.Strings(a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())),
        { ValueKind: JsonValueKind.String } s => GoList.Strings([s.GetString()!]),
        _ => GoList.NilStrings,
    };

    private static GoMap Set(JsonElement? c, string name) =>
        GoMap.Set(Property(c, name) is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Select(p => p.Name).ToList() : null);

    private static GoMap Labels(JsonElement? c) =>
        GoMap.Strings(Property(c, "Labels") is { ValueKind: JsonValueKind.Object } o
            ? o.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
                .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ToList()
            : null);

    private static JsonElement? Property(JsonElement? obj, string name) =>
        obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) ? v : null;
}
