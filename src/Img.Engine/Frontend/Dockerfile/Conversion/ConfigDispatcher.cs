using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>Instructions that only change the image config (and the history), no layer.</summary>
internal static class ConfigDispatcher
{
    public static void Env(DispatchState d, IReadOnlyList<KeyValue> env)
    {
        var message = "ENV";
        foreach (var kv in env)
        {
            message += " " + kv;
            d.Env = d.Env.With(kv.Key, kv.Value);
            d.Image.AddEnv(kv.Key, kv.Value);
        }
        d.Image.AddHistory(message, false, false);
    }

    public static void Label(DispatchState d, IReadOnlyList<KeyValue> labels)
    {
        var message = "LABEL";
        d.Image.Labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in labels)
        {
            d.Image.Labels[kv.Key] = kv.Value;
            message += " " + kv;
        }
        d.Image.AddHistory(message, false, false);
    }

    public static void Cmd(DispatchState d, CmdInstruction c)
    {
        d.CmdSet = true;
        var args = c.Command.Args ?? [];
        if (c.Command.PrependShell)
            args = WithShell(d.Image, args);
        d.Image.Cmd = args.ToList();
        d.Image.ArgsEscaped = true;
        d.Image.AddHistory($"CMD {GoFormat.QuoteSlice(args)}", false, false);
    }

    public static void Entrypoint(DispatchState d, EntrypointInstruction c)
    {
        var args = c.Command.Args;
        if (c.Command.PrependShell && args is not null)
            args = WithShell(d.Image, args);
        d.Image.Entrypoint = args?.ToList();
        if (!d.CmdSet)
            d.Image.Cmd = null;
        d.Image.AddHistory($"ENTRYPOINT {GoFormat.QuoteSlice(args)}", false, false);
    }

    public static void Healthcheck(DispatchState d, HealthcheckInstruction c)
    {
        d.Image.Healthcheck = c.Health;
        d.Image.AddHistory($"HEALTHCHECK {GoFormat.Health(c.Health)}", false, false);
    }

    public static void Expose(DispatchState d, IReadOnlyList<string> ports)
    {
        var parsed = ExposePorts.Parse(ports);
        d.Image.ExposedPorts ??= new Dictionary<string, EmptyObject>(StringComparer.Ordinal);
        foreach (var p in parsed)
            d.Image.ExposedPorts[p] = new EmptyObject();
        d.Image.AddHistory($"EXPOSE {GoFormat.Slice(parsed)}", false, false);
    }

    public static void Volume(DispatchState d, IReadOnlyList<string> volumes)
    {
        d.Image.Volumes ??= new Dictionary<string, EmptyObject>(StringComparer.Ordinal);
        foreach (var v in volumes)
        {
            if (v.Length == 0)
                throw new InstructionException("VOLUME specified can not be an empty string");
            d.Image.Volumes[v] = new EmptyObject();
        }
        d.Image.AddHistory($"VOLUME {GoFormat.Slice(volumes)}", false, false);
    }

    public static void StopSignal(DispatchState d, string signal)
    {
        StopSignals.Validate(signal);
        d.Image.StopSignal = signal;
        d.Image.AddHistory($"STOPSIGNAL {signal}", false, false);
    }

    /// <summary>The image's SHELL (default <c>/bin/sh -c</c>) followed by the joined command.</summary>
    public static IReadOnlyList<string> WithShell(MutableImage image, IReadOnlyList<string> args)
    {
        var shell = image.Shell is { Count: > 0 } s ? s.ToList() : DefaultShell(image.Os);
        shell.Add(string.Join(' ', args));
        return shell;
    }

    private static List<string> DefaultShell(string os) => os == "windows" ? ["cmd", "/S", "/C"] : ["/bin/sh", "-c"];
}
