using Img.Engine.Content;
using Img.Engine.Context;
using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// <see cref="IContentChecksumProvider"/> over the registered <see cref="BuildContext"/>s: the
/// solver's content selections become <see cref="BuildContext.ChecksumAsync(IReadOnlyList{string}, ChecksumOptions, CancellationToken)"/>
/// calls (stat cache, .dockerignore filter, BuildKit's contenthash rules).
/// </summary>
public sealed class ContextChecksumProvider(LocalSources sources) : IContentChecksumProvider
{
    public ValueTask<Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken)
    {
        if (source.SourceKind != SourceKind.Local)
            throw new ArgumentException($"content checksums are only taken of local sources, not {source.SourceKind} \"{source.Identifier}\"", nameof(source));
        var context = sources.Get(source.Identifier);
        var options = new ChecksumOptions
        {
            Wildcard = selection.AllowWildcard,
            AllowEmptyWildcard = selection.AllowEmptyWildcard,
            FollowLinks = selection.FollowSymlinks,
            IncludePatterns = selection.IncludePatterns,
            ExcludePatterns = selection.ExcludePatterns,
        };
        return context.ChecksumAsync([selection.Path], options, cancellationToken);
    }
}
