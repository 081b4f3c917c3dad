using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Parsing;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Paths;
using Img.Engine.Platforms;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Turns a Dockerfile into a <see cref="BuildGraph"/> and the image config it produces
/// (BuildKit's <c>dockerfile2llb</c>). Nothing runs: base images are only asked for their
/// config through <see cref="ConvertOptions.ImageResolver"/>.
/// Flow: parse → stages → global ARGs → stage bases → target → stage dependencies →
/// base images and ONBUILD triggers of reachable stages → dispatch in file order → export vertex.
/// </summary>
public static class DockerfileConverter
{
    /// <exception cref="DockerfileException">Any error in the Dockerfile, with file and line.</exception>
    public static async Task<ConversionResult> ConvertAsync(string text, ConvertOptions options, CancellationToken cancellationToken)
    {
        var file = options.DockerfileName;
        try
        {
            return await ConvertCoreAsync(text, options, cancellationToken).ConfigureAwait(false);
        }
        catch (InstructionException e)
        {
            throw new DockerfileException(file, e.Line, e.Message, e);
        }
        catch (DockerfileParseException e)
        {
            throw new DockerfileException(file, e.Line, e.Message, e);
        }
    }

    private static async Task<ConversionResult> ConvertCoreAsync(string text, ConvertOptions options, CancellationToken ct)
    {
        if (text.Length == 0)
            throw new InstructionException("the Dockerfile cannot be empty");
        var parsed = DockerfileParser.Parse(text);
        var dockerfile = InstructionParser.Parse(parsed.Root, options.DockerfileName, parsed.EscapeToken);

        var buildPlatform = options.BuildPlatform is null ? PlatformSpec.Default() : PlatformSpec.Normalize(options.BuildPlatform);
        var implicitTarget = options.TargetPlatform is null;
        var targetPlatform = options.TargetPlatform is null ? buildPlatform : PlatformSpec.Normalize(options.TargetPlatform);
        var ctx = new ConversionContext(options, dockerfile.EscapeToken, buildPlatform, targetPlatform, implicitTarget);

        var targetName = options.Target.Length > 0 ? options.Target : dockerfile.Stages[^1].Name;
        ctx.GlobalArgs = MetaArgs.Apply(ctx, MetaArgs.Defaults(buildPlatform, targetPlatform, options.BuildArgs, targetName), dockerfile.MetaArgs);

        StagePlanner.AddStages(ctx, dockerfile.Stages);
        var target = StagePlanner.ResolveTarget(ctx);
        StagePlanner.BuildDependencies(ctx);
        var reachable = await StagePlanner.ResolveStagesAsync(ctx, target, ct).ConfigureAwait(false);

        foreach (var d in ctx.States.States)
        {
            if (!reachable.Contains(d) || d.Dispatched)
                continue;
            ct.ThrowIfCancellationRequested();
            Dispatcher.DispatchStage(ctx, d);
        }
        return await FinishAsync(ctx, target, ct).ConfigureAwait(false);
    }

    private static async Task<ConversionResult> FinishAsync(ConversionContext ctx, DispatchState target, CancellationToken ct)
    {
        var image = target.Image;
        if (ctx.Options.Labels.Count > 0)
        {
            image.Labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in ctx.Options.Labels)
                image.Labels[k] = v;
        }
        if (!ctx.ImplicitTarget)
        {
            var tp = ctx.TargetPlatform;
            var sameOsArch = tp.Os == image.Os && tp.Architecture == image.Architecture;
            image.Os = tp.Os;
            image.Architecture = tp.Architecture;
            if (!string.IsNullOrEmpty(tp.Variant) || !sameOsArch)
                image.Variant = tp.Variant;
            if (!string.IsNullOrEmpty(tp.OsVersion) || !sameOsArch)
                image.OsVersion = tp.OsVersion;
        }
        var normalized = PlatformSpec.Normalize(image.Platform);
        image.Architecture = normalized.Architecture;
        image.Os = normalized.Os;
        image.Variant = normalized.Variant;

        var config = image.ToImageConfig();
        var platform = target.Platform ?? ctx.TargetPlatform;
        var export = ctx.Graph.Add(new ImageConfigOp(target.Root, config) { SourceDateEpoch = ctx.SourceDateEpoch, Compression = ctx.Options.LayerCompression },
            new OpMetadata("exporting to image", target.StageName, ctx.Options.NoCache));

        var paths = ContextPaths(ctx);
        var replacements = new Dictionary<OpDigest, BuildOp>();
        if (paths.Count > 0)
            replacements[ctx.Context.Digest] = ctx.ContextPlaceholder with { FollowPaths = paths };
        await GitPinning.PinAsync(ctx, export.Digest, replacements, ct).ConfigureAwait(false);
        var graph = ctx.Graph.Build(export.Digest, replacements);
        return new ConversionResult(graph, config, platform, paths.Count == 0 && AnyContextUse(ctx) ? ["/"] : paths);
    }

    /// <summary>The context paths the build reads, relative and sorted; empty when it reads everything.</summary>
    private static IReadOnlyList<string> ContextPaths(ConversionContext ctx)
    {
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var d in ctx.States.States.Where(s => s.Dispatched))
            all.UnionWith(d.ContextPaths);
        if (all.Count == 0 || all.Contains("/"))
            return [];
        return all.Select(p => GoPath.Join(".", p)).Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    private static bool AnyContextUse(ConversionContext ctx) =>
        ctx.States.States.Any(s => s.Dispatched && s.ContextPaths.Count > 0);
}
