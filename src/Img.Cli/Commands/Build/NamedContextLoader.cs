using Img.Cli.Commands.Build.Backends;
using Img.Engine.Content;
using Img.Engine.Context;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Git;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Build;

/// <summary>
/// Opens each <c>--build-context</c> value where the build needs it, as buildx's input loading
/// does: a directory is served by the backend as a local source (<c>_context</c> / <c>_dockerfile</c>
/// for those two names), <c>docker-image://REF</c> and git URLs are left to the converter, and
/// <c>oci-layout://PATH[:TAG][@DIGEST]</c> has its image's blobs copied into the content store.
/// Errors are buildx's.
/// </summary>
internal sealed class NamedContextLoader(CommandContext context, IContentStore content, IBuildBackend backend, bool cluster)
{
    public const string ImagePrefix = "docker-image://";
    public const string OciLayoutPrefix = "oci-layout://";

    /// <summary>The contexts the converter takes (<see cref="ConvertOptions.NamedContexts"/>), the directories served already.</summary>
    public async Task<IReadOnlyDictionary<string, NamedContext>> LoadAsync(IReadOnlyDictionary<string, string> values, Func<string, BuildContext> open, Platform platform, CancellationToken ct)
    {
        var result = new Dictionary<string, NamedContext>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
            result[name] = await LoadAsync(name, value, open, platform, ct);
        return result;
    }

    private async Task<NamedContext> LoadAsync(string name, string value, Func<string, BuildContext> open, Platform platform, CancellationToken ct)
    {
        if (value.StartsWith(ImagePrefix, StringComparison.Ordinal))
            return new ImageNamedContext(value[ImagePrefix.Length..]);
        if (GitUrl.IsGit(value))
            return new GitNamedContext(value);
        if (value.StartsWith(OciLayoutPrefix, StringComparison.Ordinal))
        {
            // The layout is a directory of this machine: nodes could not read it, and nothing carries its blobs to them yet.
            if (cluster)
                throw new UserFacingException($"--build-context {name}={value}: oci-layout contexts are not supported with --cluster yet");
            return await OciLayoutContext.LoadAsync(value, context.ResolvePath, content, platform, ct);
        }
        if (value.Contains("://", StringComparison.Ordinal) || value.StartsWith("target:", StringComparison.Ordinal))
            throw new UserFacingException($"unsupported context source {value.Split(':')[0]} for {name}");

        var path = context.ResolvePath(value);
        if (File.Exists(path))
            throw new UserFacingException($"failed to get build context path {{{value} <nil>}}: not a directory");
        if (!Directory.Exists(path))
            throw new UserFacingException($"failed to get build context {name}: stat {value}: no such file or directory");
        var sourceName = name is "context" or "dockerfile" ? "_" + name : name;
        var directory = open(path);
        backend.ServeContext(sourceName, directory);
        return new LocalNamedContext(sourceName, directory.Filter.Patterns);
    }
}
