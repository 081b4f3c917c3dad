using Img.Engine.Solver;

namespace Img.Engine.Context.Remote;

/// <summary>
/// The listing a client sends for some selections of its context: everything under each
/// selection's fixed prefix (the path up to its first wildcard), which is a superset of what the
/// selection's patterns pick; the worker applies the patterns again when it copies.
/// </summary>
public static class ContextListingBuilder
{
    public static async Task<ContextListingDocument> BuildAsync(BuildContext context, IReadOnlyList<ContentSelection> selections, CancellationToken cancellationToken)
    {
        var roots = selections.Select(Root).Distinct(StringComparer.Ordinal).ToList();
        if (roots.Contains(""))
            roots = [""];
        var entries = await context.ListForTransferAsync(roots, cancellationToken).ConfigureAwait(false);
        return new ContextListingDocument { Entries = entries };
    }

    /// <summary>The part of a selection's path before its first wildcard segment, cleaned ("" = the whole context).</summary>
    public static string Root(ContentSelection selection)
    {
        var path = SourcePath.Clean(selection.Path);
        if (!selection.AllowWildcard && selection.IncludePatterns.Count == 0)
            return path;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var fixedParts = parts.TakeWhile(p => p.IndexOfAny(['*', '?', '[', '\\']) < 0).ToArray();
        return string.Join('/', fixedParts);
    }
}
