using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Instructions that only change the image config (and the history), no layer: the build's
/// dispatcher and <c>img import --change</c> (<see cref="ConfigChanges"/>) both come here.
/// </summary>
internal static class ConfigDispatcher
{
    /// <summary>
    /// Applies a config-only instruction, its words expanded by <paramref name="word"/> (one word)
    /// and <paramref name="words"/> (EXPOSE: a word that may expand to several); false for an
    /// instruction that is not one (RUN, COPY, ADD, WORKDIR, ARG, FROM).
    /// </summary>
    public static bool TryDispatch(DispatchState d, Instruction instruction, Func<string, string> word, Func<string, IReadOnlyList<string>> words)
    {
        switch (instruction)
        {
            case MaintainerInstruction c:
                d.Image.Author = c.Maintainer;
                d.Image.AddHistory($"MAINTAINER {c.Maintainer}", false, false);
                return true;
            case EnvInstruction c:
                Env(d, c.Env.Select(kv => kv with { Key = word(kv.Key), Value = word(kv.Value) }).ToArray());
                return true;
            case LabelInstruction c:
                Label(d, c.Labels.Select(kv => kv with { Key = word(kv.Key), Value = word(kv.Value) }).ToArray());
                return true;
            case OnbuildInstruction c:
                (d.Image.OnBuild ??= new List<string>()).Add(c.Expression);
                return true;
            case CmdInstruction c:
                Cmd(d, c);
                return true;
            case EntrypointInstruction c:
                Entrypoint(d, c);
                return true;
            case HealthcheckInstruction c:
                Healthcheck(d, c);
                return true;
            case ExposeInstruction c:
                Expose(d, c.Ports.SelectMany(words).ToArray());
                return true;
            case UserInstruction c:
                User(d, word(c.User));
                return true;
            case VolumeInstruction c:
                Volume(d, c.Volumes.Select(word).ToArray());
                return true;
            case StopsignalInstruction c:
                StopSignal(d, word(c.Signal));
                return true;
            case ShellInstruction c:
                d.Image.Shell = c.Shell.ToList();
                d.Image.AddHistory($"SHELL {GoFormat.Slice(c.Shell)}", false, false);
                return true;
            default:
                return false;
        }
    }

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

    public static void User(DispatchState d, string user)
    {
        d.User = user;
        d.Image.User = user;
        d.Image.AddHistory($"USER {user}", false, false);
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
