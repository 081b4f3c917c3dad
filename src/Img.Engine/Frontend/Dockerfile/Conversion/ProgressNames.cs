using System.Globalization;
using Img.Engine.Frontend.Dockerfile.Shell;
using Img.Engine.Oci;
using Img.Engine.Platforms;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>Vertex descriptions as BuildKit prints them: <c>[stage-1 2/5] RUN make</c>.</summary>
internal static class ProgressNames
{
    /// <summary>
    /// Numbers the next step of <paramref name="d"/> and prefixes <paramref name="text"/>. In a
    /// multi-platform build the stage's platform comes first, with <c>-&gt;ARCH</c> when the step's
    /// <paramref name="env"/> targets another (<c>[linux/amd64-&gt;arm64 build 2/3] RUN ...</c>).
    /// </summary>
    public static string Prefix(DispatchState d, string text, IShellEnvironment? env = null)
    {
        if (d.CommandTotal == 0)
            return text;
        var prefix = "[";
        if (d.PrefixPlatform && d.Platform is { } platform)
            prefix += PlatformSpec.FormatAll(platform) + CrossTarget(platform, env) + " ";
        if (d.StageName.Length > 0)
            prefix += d.StageName + " ";
        d.CommandIndex++;
        var width = (int)(1 + Math.Log10(d.CommandTotal));
        prefix += d.CommandIndex.ToString(CultureInfo.InvariantCulture).PadLeft(width) + "/" +
                  d.CommandTotal.ToString(CultureInfo.InvariantCulture) + "] ";
        if (d.CommandIsOnBuild)
            prefix += "ONBUILD ";
        return prefix + text;
    }

    /// <summary>
    /// BuildKit's <c>formatTargetPlatform</c>: the platform the step's TARGET* variables name,
    /// when it differs from the stage's (a <c>FROM --platform=$BUILDPLATFORM</c> stage compiling
    /// for the target): <c>-&gt;arm64</c>, or the whole platform when the OS differs.
    /// </summary>
    private static string CrossTarget(Platform stage, IShellEnvironment? env)
    {
        if (env is null)
            return "";
        Platform target;
        if (env.TryGet("TARGETPLATFORM", out var text))
        {
            try
            {
                target = PlatformSpec.Parse(text);
            }
            catch (FormatException)
            {
                return "";
            }
        }
        else
        {
            var os = env.TryGet("TARGETOS", out var o) ? o : null;
            var arch = env.TryGet("TARGETARCH", out var a) ? a : null;
            var variant = env.TryGet("TARGETVARIANT", out var v) ? v : null;
            if (os is null && arch is null && variant is null)
                return "";
            target = PlatformSpec.Normalize(new Platform
            {
                Os = string.IsNullOrEmpty(os) ? stage.Os : os,
                Architecture = string.IsNullOrEmpty(arch) ? stage.Architecture : arch,
                Variant = variant,
            });
        }
        if (target.Os == stage.Os && target.Architecture != stage.Architecture)
            return "->" + target.Architecture + (string.IsNullOrEmpty(target.Variant) ? "" : "/" + target.Variant);
        return target.Os != stage.Os ? "->" + PlatformSpec.FormatAll(target) : "";
    }

    /// <summary>The instruction text with variables expanded (unset ones left as written), keyword upper-cased.</summary>
    public static string Command(ConversionContext ctx, string source, IShellEnvironment env)
    {
        var lexer = new ShellLexer(ctx.Lexer.EscapeToken) { RawQuotes = true, SkipUnsetEnv = true };
        string expanded;
        try
        {
            expanded = lexer.ProcessWord(source, env);
        }
        catch (ShellExpansionException)
        {
            expanded = source;
        }
        var space = expanded.IndexOf(' ');
        return space < 0 ? expanded.ToUpperInvariant() : expanded[..space].ToUpperInvariant() + expanded[space..];
    }
}
