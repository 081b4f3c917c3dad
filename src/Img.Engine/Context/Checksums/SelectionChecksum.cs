using System.Text;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Context.Ignore;

namespace Img.Engine.Context.Checksums;

/// <summary>
/// Turns COPY/ADD sources plus <see cref="ChecksumOptions"/> into one digest over a
/// <see cref="ContentTree"/>, with BuildKit's selection rules:
/// <list type="bullet">
/// <item>an exact path gives its record (a directory's covers its whole subtree and its own header);</item>
/// <item>a wildcard splits into a literal prefix (resolved through symlinks) and per-component
/// <c>path.Match</c> patterns; one match whose base name is the pattern's gives its record,
/// otherwise the matches' paths and records are combined;</item>
/// <item>include/exclude patterns flatten the selection: each included file, and the header of
/// every directory that is included or holds something included, by path relative to the source;</item>
/// <item>several sources combine their cleaned paths and digests in order.</item>
/// </list>
/// </summary>
internal static class SelectionChecksum
{
    private static readonly Digest Nothing = Digest.Compute([]);

    public static async Task<Digest> ComputeAsync(ContentTree tree, IReadOnlyList<string> sources, ChecksumOptions options, CancellationToken cancellationToken)
    {
        if (sources.Count == 0) throw new ArgumentException("no source paths", nameof(sources));
        var include = options.IncludePatterns.Count > 0 ? new PatternMatcher(options.IncludePatterns) : null;
        var exclude = options.ExcludePatterns.Count > 0 ? new PatternMatcher(options.ExcludePatterns) : null;
        var cleaned = sources.Select(SourcePath.Clean).ToArray();
        var digests = new Digest[sources.Count];
        for (int i = 0; i < sources.Count; i++)
        {
            digests[i] = await ComputeOneAsync(tree, sources[i], cleaned[i], options, include, exclude, cancellationToken).ConfigureAwait(false);
        }
        if (digests.Length == 1) return digests[0];
        return Combine(cleaned.Zip(digests));
    }

    private static async Task<Digest> ComputeOneAsync(
        ContentTree tree, string source, string path, ChecksumOptions options,
        PatternMatcher? include, PatternMatcher? exclude, CancellationToken cancellationToken)
    {
        List<(string Path, ContentNode Node)> matches;
        bool wildcard = options.Wildcard && GoPathMatch.ContainsWildcards(path);
        if (!wildcard)
        {
            var node = tree.Resolve(path, options.FollowLinks) ?? throw new ContextPathNotFoundException("/" + path);
            matches = [(path, node)];
        }
        else
        {
            matches = MatchWildcard(tree, path, source);
            if (matches.Count == 0)
            {
                return options.AllowEmptyWildcard ? Nothing : throw new ContextPathNotFoundException("/" + path);
            }
            if (options.FollowLinks)
            {
                for (int i = 0; i < matches.Count; i++)
                {
                    if (matches[i].Node.Type != ArchiveEntryType.SymbolicLink) continue;
                    var target = tree.Resolve(matches[i].Path, followTrailing: true)
                        ?? throw new ContextPathNotFoundException("/" + matches[i].Path);
                    matches[i] = (matches[i].Path, target);
                }
            }
        }

        await tree.EnsureHashedAsync(matches.Select(m => m.Node), cancellationToken).ConfigureAwait(false);

        if (include is not null || exclude is not null)
        {
            var items = new List<(string, Digest)>();
            foreach (var (matchPath, node) in matches)
            {
                // Wildcard matches are named by their path from the root, exact sources by the path below them.
                string prefix = wildcard ? matchPath : "";
                if (!node.IsDirectory)
                {
                    items.Add((prefix.Length > 0 ? prefix : node.Name, node.Record));
                    continue;
                }
                int mark = items.Count;
                items.Add(default);
                bool any = Flatten(node, "", prefix, default, default, include, exclude, items);
                if (any) items[mark] = (prefix, node.Header);
                else items.RemoveAt(mark);
            }
            return items.Count == 0 ? Nothing : Combine(items);
        }

        if (!wildcard) return matches[0].Node.Record;
        if (matches.Count == 1 && LastName(matches[0].Path) == LastName(path)) return matches[0].Node.Record;
        return Combine(matches.Select(m => (m.Path, m.Node.Record)));
    }

    // Walks a directory adding included entries (patterns see paths relative to the source, items
    // are named below namePrefix); returns whether anything below was included.
    private static bool Flatten(
        ContentNode dir, string relative, string namePrefix, MatchInfo includeParent, MatchInfo excludeParent,
        PatternMatcher? include, PatternMatcher? exclude, List<(string, Digest)> items)
    {
        bool any = false;
        foreach (var child in dir.Children)
        {
            string candidate = relative.Length == 0 ? child.Name : relative + "/" + child.Name;
            string path = namePrefix.Length == 0 ? candidate : namePrefix + "/" + candidate;
            bool included = true;
            MatchInfo includeInfo = default, excludeInfo = default;
            if (include is not null && !include.MatchesUsingParentResults(candidate, includeParent, out includeInfo))
                included = false;
            if (included && exclude is not null && exclude.MatchesUsingParentResults(candidate, excludeParent, out excludeInfo))
                included = false;
            if (child.IsDirectory)
            {
                int mark = items.Count;
                items.Add(default);
                bool inner = Flatten(child, candidate, namePrefix, includeInfo, excludeInfo, include, exclude, items);
                if (included || inner)
                {
                    items[mark] = (path, child.Header);
                    any = true;
                }
                else
                {
                    items.RemoveAt(mark);
                }
            }
            else if (included)
            {
                items.Add((path, child.Record));
                any = true;
            }
        }
        return any;
    }

    private static List<(string Path, ContentNode Node)> MatchWildcard(ContentTree tree, string pattern, string source)
    {
        var parts = pattern.Split('/');
        int firstWild = Array.FindIndex(parts, GoPathMatch.ContainsWildcards);
        foreach (var part in parts.AsSpan(firstWild))
        {
            if (!GoPathMatch.IsValid(part))
                throw new BuildContextException($"failed to compute cache key: syntax error in pattern: {source}", source);
        }
        // The literal prefix is looked up as written (escapes included), like BuildKit.
        string prefix = string.Join('/', parts.Take(firstWild));
        var results = new List<(string, ContentNode)>();
        var start = tree.Resolve(prefix, followTrailing: true);
        if (start is null || !start.IsDirectory) return results;
        Walk(start, prefix, firstWild);
        return results;

        void Walk(ContentNode dir, string dirPath, int index)
        {
            foreach (var child in dir.Children)
            {
                if (!GoPathMatch.Match(parts[index], child.Name)) continue;
                string childPath = dirPath.Length == 0 ? child.Name : dirPath + "/" + child.Name;
                if (index == parts.Length - 1) results.Add((childPath, child));
                else if (child.IsDirectory) Walk(child, childPath, index + 1);
            }
        }
    }

    private static string LastName(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    private static Digest Combine(IEnumerable<(string Path, Digest Digest)> items)
    {
        using var hasher = new DigestHasher();
        Span<byte> zero = [0];
        foreach (var (path, digest) in items)
        {
            hasher.Append(Encoding.UTF8.GetBytes(path));
            hasher.Append(zero);
            hasher.Append(Encoding.ASCII.GetBytes(digest.Hex));
            hasher.Append(zero);
        }
        return hasher.Digest;
    }
}
