using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Shell;
using Img.Engine.Oci;
using Img.Engine.Platforms;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>The global ARG scope: the builtin platform args, then the ARGs before the first FROM.</summary>
internal static class MetaArgs
{
    /// <summary>BUILDPLATFORM, TARGETARCH... overridable by <c>--build-arg</c> (BuildKit's <c>defaultArgs</c>).</summary>
    public static DictionaryShellEnvironment Defaults(Platform build, Platform target, IReadOnlyDictionary<string, string> overrides, string targetStage)
    {
        (string Key, string Value)[] values =
        [
            ("BUILDPLATFORM", PlatformSpec.Format(build)),
            ("BUILDOS", build.Os),
            ("BUILDOSVERSION", build.OsVersion ?? ""),
            ("BUILDARCH", build.Architecture),
            ("BUILDVARIANT", build.Variant ?? ""),
            ("TARGETPLATFORM", PlatformSpec.FormatAll(target)),
            ("TARGETOS", target.Os),
            ("TARGETOSVERSION", target.OsVersion ?? ""),
            ("TARGETARCH", target.Architecture),
            ("TARGETVARIANT", target.Variant ?? ""),
            ("TARGETSTAGE", targetStage.Length == 0 ? "default" : targetStage),
        ];
        var env = DictionaryShellEnvironment.Empty;
        foreach (var (key, value) in values)
            env = env.With(key, overrides.TryGetValue(key, out var o) ? o : value);
        return env;
    }

    /// <summary>Adds the ARGs before the first FROM: a <c>--build-arg</c> wins, else the default expanded with the args so far.</summary>
    public static DictionaryShellEnvironment Apply(ConversionContext ctx, DictionaryShellEnvironment args, IReadOnlyList<ArgInstruction> metaArgs)
    {
        foreach (var cmd in metaArgs)
        {
            foreach (var kp in cmd.Args)
            {
                string? value;
                if (ctx.Options.BuildArgs.TryGetValue(kp.Key, out var given))
                {
                    value = given;
                }
                else if (kp.Value is not null)
                {
                    try
                    {
                        value = ctx.ProcessWordWithMatches(kp.Value, args).Result;
                    }
                    catch (InstructionException e)
                    {
                        throw e.AtLine(cmd.Line);
                    }
                }
                else
                {
                    value = null;
                }
                if (value is not null)
                    args = args.With(kp.Key, value);
            }
        }
        return args;
    }
}
