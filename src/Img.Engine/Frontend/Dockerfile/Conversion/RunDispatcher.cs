using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Parsing;
using Img.Engine.Frontend.Dockerfile.Shell;
using Img.Engine.Graph;
using Img.Engine.Paths;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>RUN: an exec op on the stage's filesystem, with here-documents, mounts, network and security.</summary>
internal static class RunDispatcher
{
    public static void Dispatch(ConversionContext ctx, DispatchState d, RunInstruction c, IReadOnlyList<DispatchState?> sources)
    {
        var extraMounts = new List<ExecMount>();
        var customName = c.Source.SourceCode;
        var args = c.Command.Args ?? [];
        var files = c.Command.Files;
        if (files.Count > 0)
        {
            if (args.Count != 1 || !c.Command.PrependShell)
                throw new InstructionException($"parsing produced an invalid run command: {GoFormat.Slice(args)}");
            if (HeredocSyntax.ParseWord(args[0]) is not null)
            {
                var data = files[0].Chomp ? HeredocSyntax.ChompContent(files[0].Data) : files[0].Data;
                if (d.Image.Os != "windows" && data.StartsWith("#!", StringComparison.Ordinal))
                {
                    // a script with a shebang: written to a file and run directly
                    var inline = ctx.Graph.Add(new FileOp(null, [new FileMkfileAction(files[0].Name, 493 /* 0755 */, data)]),
                        new OpMetadata("preparing inline document", d.StageName, d.IgnoreCache));
                    extraMounts.Add(new ExecMount(ExecMountType.Bind, "/dev/pipes/") { Source = inline, SourcePath = "/", ReadOnly = true });
                    args = [GoPath.Join("/dev/pipes/", files[0].Name)];
                }
                else
                {
                    args = [data];
                }
                customName += $" ({SummarizeHeredoc(files[0].Data)})";
            }
            else
            {
                var text = args[0];
                foreach (var file in files)
                    text += "\n" + file.Data + file.Name;
                args = [text];
            }
        }
        if (c.Command.PrependShell)
            args = ConfigDispatcher.WithShell(d.Image, args);

        var mounts = c.ExpandMounts(word => ctx.ProcessWord(word, d.Env));
        extraMounts.InsertRange(0, RunMountDispatcher.Mounts(ctx, d, mounts, sources));

        var env = d.Env;
        var descriptionEnv = env;
        foreach (var m in mounts.Where(m => m.Type == RunMountType.Secret && m.Env is not null))
            descriptionEnv = descriptionEnv.With(m.Env!, "****");
        var description = ProgressNames.Prefix(d, ProgressNames.Command(ctx, customName, descriptionEnv), descriptionEnv);

        // As BuildKit's llb: a step with ssh mounts gets SSH_AUTH_SOCK = the first one's target, unless it sets its own.
        var opEnv = env;
        if (extraMounts.FirstOrDefault(m => m.Type == ExecMountType.Ssh) is { } ssh && !env.TryGet("SSH_AUTH_SOCK", out _))
            opEnv = env.With("SSH_AUTH_SOCK", ssh.Target);
        var op = new ExecOp(d.Root, args, SortedPairs(opEnv), d.Dir, d.User)
        {
            Network = c.Network switch
            {
                "none" => NetworkMode.None,
                "host" => NetworkMode.Host,
                _ => ctx.Options.Network,
            },
            Security = c.Security == "insecure" ? SecurityMode.Insecure : SecurityMode.Sandbox,
            Mounts = extraMounts,
            ExtraHosts = ctx.Options.ExtraHosts,
            ShmSize = ctx.Options.ShmSize,
            Ulimits = ctx.Options.Ulimits,
            CgroupParent = ctx.Options.CgroupParent,
        };
        d.Root = ctx.Graph.Add(op, new OpMetadata(description, d.StageName, d.IgnoreCache, c.Line));
        d.Image.AddHistory("RUN " + RunCommandString(args, d.BuildArgs, env), true, true);
    }

    /// <summary>The history text: <c>|N K=V ...</c> for the stage's ARGs, then the command.</summary>
    internal static string RunCommandString(IReadOnlyList<string> args, IReadOnlyList<ArgDefinition> buildArgs, DictionaryShellEnvironment env)
    {
        var pairs = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var arg in buildArgs)
        {
            var value = env.TryGet(arg.Key, out var v) ? v : arg.Value ?? "";
            if (index.TryGetValue(arg.Key, out var i))
            {
                pairs[i] = arg.Key + "=" + value;
            }
            else
            {
                index[arg.Key] = pairs.Count;
                pairs.Add(arg.Key + "=" + value);
            }
        }
        if (pairs.Count > 0)
            pairs.Insert(0, "|" + pairs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return string.Join(' ', pairs.Concat(args));
    }

    /// <summary><c>NAME=value</c> sorted by name (not by pair: <c>A</c> before <c>A1</c>): the exec op's canonical env.</summary>
    private static string[] SortedPairs(DictionaryShellEnvironment env) =>
        env.Names.Order(StringComparer.Ordinal).Select(name =>
        {
            env.TryGet(name, out var value);
            return name + "=" + value;
        }).ToArray();

    private static string SummarizeHeredoc(string doc)
    {
        var lines = doc.Trim().Replace("\r\n", "\n").Split('\n');
        return lines.Length > 1 ? lines[0] + "..." : lines[0];
    }
}
