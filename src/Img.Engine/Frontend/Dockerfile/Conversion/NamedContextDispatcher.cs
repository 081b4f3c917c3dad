using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.References;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// Named contexts in place of stages and images (BuildKit's <c>dockerui.NamedContext</c> as
/// <c>dockerfile2llb</c> uses it): a stage whose name, or a base whose normalised reference, is a
/// <c>--build-context</c> name takes its filesystem and config from the context instead, and its
/// own instructions never run. Stages named <c>scratch</c> or <c>context</c> are not overridden
/// (BuildKit compares the name as written; a base reference is compared normalised, so
/// <c>COPY --from=context</c> can be).
/// </summary>
internal static class NamedContextDispatcher
{
    /// <summary>The context named <paramref name="name"/> (a stage name or a base reference), with its key; null when there is none.</summary>
    public static (string Key, NamedContext Context)? Find(ConversionContext ctx, string name)
    {
        if (ctx.Options.NamedContexts.Count == 0
            || name.Equals(StagePlanner.Scratch, StringComparison.OrdinalIgnoreCase)
            || name.Equals("context", StringComparison.OrdinalIgnoreCase))
            return null;
        var key = NamedContextName.TryNormalize(name);
        return key is not null && ctx.Options.NamedContexts.TryGetValue(key, out var context) ? (key, context) : null;
    }

    /// <summary>
    /// Makes <paramref name="d"/> start from the context's filesystem and config. A directory a
    /// stage starts FROM is copied into a snapshot first (steps run on snapshots, never on the
    /// client's directory); <c>COPY --from</c> and <c>RUN --mount=from</c> read it in place.
    /// </summary>
    public static async Task ApplyAsync(ConversionContext ctx, DispatchState d, string key, NamedContext context, CancellationToken ct)
    {
        var platform = d.Platform ?? ctx.TargetPlatform;
        d.Image = MutableImage.Empty(platform);
        d.Platform = platform;
        d.Base = null;
        // A stage the context replaces, or a name only COPY --from / RUN --mount reads, is done;
        // a stage that starts FROM the context still runs its own instructions on top of it.
        d.Dispatched = d.Override is not null || d.Unregistered;
        d.OnBuildInit = true;
        switch (context)
        {
            case LocalNamedContext local:
                var source = ctx.Graph.Add(new SourceOp(SourceKind.Local, local.SourceName) { ExcludePatterns = local.ExcludePatterns },
                    OpMetadata.Internal($"[context {key}] load from client"));
                d.Root = d.Unregistered
                    ? source
                    : ctx.Graph.Add(new FileOp(null, [new FileCopyAction(source, "/", "/") { CopyDirContentsOnly = true, CreateDestPath = true }]),
                        new OpMetadata($"[context {key}] copy from client", d.StageName, d.IgnoreCache));
                break;
            case ImageNamedContext { Reference: StagePlanner.Scratch }:
                d.Root = null;
                break;
            case ImageNamedContext image:
                await ApplyImageAsync(ctx, d, key, image.Reference, platform, ct).ConfigureAwait(false);
                break;
            case GitNamedContext git:
                // a git checkout is a snapshot: steps run on it and copies read it as it is
                d.Root = ctx.Graph.Add(new SourceOp(SourceKind.Git, git.Url),
                    new OpMetadata($"[context {key}] {git.Url}", d.StageName, d.IgnoreCache));
                break;
            case OciLayoutNamedContext layout:
                var name = ImageReference.ParseNormalized(key).WithoutTagOrDigest().ToString();
                d.Image = Configured(layout.Config);
                d.Root = ctx.Graph.Add(new SourceOp(SourceKind.OciLayout, $"oci-layout://{name}@{layout.Digest}") { Platform = platform },
                    new OpMetadata($"[context {key}] OCI load from client", d.StageName, d.IgnoreCache));
                break;
            default:
                throw new InstructionException($"unsupported context source {context.GetType().Name} for {key}", d.Line);
        }
    }

    private static async Task ApplyImageAsync(ConversionContext ctx, DispatchState d, string key, string written, Platform platform, CancellationToken ct)
    {
        string reference;
        try
        {
            reference = ImageReference.Parse(written).ToString();
        }
        catch (InvalidReferenceException e)
        {
            throw new InstructionException(e.Message, d.Line);
        }
        // BuildKit names the lookup after the context and the reference as written
        if (ctx.Options.ImageResolver is { } resolver
            && await resolver.ResolveAsync(reference, platform, $"[context {key}] load metadata for {written}", ct).ConfigureAwait(false) is { } resolved)
        {
            d.Image = Configured(resolved.Config);
            if (resolved.ManifestDigest is { } digest && ImageReference.Parse(reference).Digest is null)
                reference = ImageReference.Parse(reference + "@" + digest).ToString();
        }
        d.Root = ctx.Graph.Add(new SourceOp(SourceKind.Image, reference) { Platform = platform },
            new OpMetadata($"[context {key}] {written}", d.StageName, d.IgnoreCache));
    }

    // ONBUILD triggers of a context's image are not run: the context replaces the stage whole.
    private static MutableImage Configured(ImageConfig config)
    {
        var image = MutableImage.From(config with { Created = null });
        image.OnBuild = null;
        return image;
    }
}
