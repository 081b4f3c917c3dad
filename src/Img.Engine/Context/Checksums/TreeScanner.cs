using System.IO.Enumeration;
using System.Runtime.ExceptionServices;
using Img.Engine.Archive;
using Img.Engine.Context.Ignore;
using Img.Engine.Native;

namespace Img.Engine.Context.Checksums;

/// <summary>
/// Walks a directory into a <see cref="ContentNode"/> tree with one lstat per path: symlinks are
/// recorded, never followed; with a <see cref="ContextFilter"/>, excluded paths are left out, and
/// an excluded directory is entered only when a <c>!</c> exception might re-include something
/// below it (it is then kept only if something was). Nothing is read here. Subdirectories are
/// walked in parallel (bounded by the core count); the result does not depend on the order.
/// </summary>
internal static class TreeScanner
{
    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    public static ContentNode Scan(string root, ContextFilter? filter, CancellationToken cancellationToken) =>
        Scan(root, filter, out _, cancellationToken);

    /// <param name="leftOut">Whether the filter left out any path that is there.</param>
    public static ContentNode Scan(string root, ContextFilter? filter, out bool leftOut, CancellationToken cancellationToken)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        FileStatus status;
        try
        {
            status = Posix.LStat(root);
        }
        catch (IOException e)
        {
            throw new DirectoryNotFoundException($"build context {root}: {e.Message}", e);
        }
        if (!status.IsDirectory)
            throw new DirectoryNotFoundException($"build context {root} is not a directory");
        var matcher = filter is { Matcher.Patterns.Count: > 0 } ? filter.Matcher : null;
        var node = new ContentNode("", "", NodeStatus.From(status), null);
        var walker = new Walker(matcher, cancellationToken);
        node.Children = walker.ScanChildren(root, "", default, parentIncluded: true);
        leftOut = walker.LeftOut;
        return node;
    }

    private sealed class Walker(PatternMatcher? matcher, CancellationToken cancellationToken)
    {
        private volatile bool _leftOut;

        /// <summary>Whether some path was excluded (directories are walked in parallel: set, never cleared).</summary>
        public bool LeftOut => _leftOut;

        public ContentNode[] ScanChildren(string directory, string relative, MatchInfo parentInfo, bool parentIncluded)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var names = new FileSystemEnumerable<string>(directory, static (ref FileSystemEntry e) => e.FileName.ToString(), Options).ToArray();
            Array.Sort(names, StringComparer.Ordinal);
            var children = new List<ContentNode>(names.Length);
            List<(ContentNode Node, string Full, MatchInfo Info, bool Included)>? directories = null;
            foreach (var name in names)
            {
                string path = relative.Length == 0 ? name : relative + "/" + name;
                string full = directory + "/" + name;
                bool included = parentIncluded;
                var info = default(MatchInfo);
                if (matcher is not null)
                {
                    included = !matcher.MatchesUsingParentResults(path, parentInfo, out info);
                }
                FileStatus fs;
                try
                {
                    fs = Posix.LStat(full);
                }
                catch (IOException) when (!Path.Exists(full))
                {
                    continue; // removed while we walked
                }
                var status = NodeStatus.From(fs);
                if (!included)
                    _leftOut = true;
                if (status.Type == ArchiveEntryType.Directory)
                {
                    if (!included && !matcher!.HasExclusions) continue;
                    var node = new ContentNode(name, path, status, null);
                    (directories ??= []).Add((node, full, info, included));
                    children.Add(node);
                }
                else if (included)
                {
                    string? link = status.Type == ArchiveEntryType.SymbolicLink ? new FileInfo(full).LinkTarget : null;
                    children.Add(new ContentNode(name, path, status, link));
                }
            }
            if (directories is not null)
            {
                if (directories.Count == 1)
                {
                    var d = directories[0];
                    d.Node.Children = ScanChildren(d.Full, d.Node.Path, d.Info, d.Included);
                }
                else
                {
                    try
                    {
                        Parallel.ForEach(directories, Parallelism, d => d.Node.Children = ScanChildren(d.Full, d.Node.Path, d.Info, d.Included));
                    }
                    catch (AggregateException e) when (e.InnerExceptions.Count > 0)
                    {
                        ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
                    }
                }
                // An excluded directory stays only for what an exception brought back inside it.
                HashSet<ContentNode>? empty = null;
                foreach (var d in directories)
                {
                    if (!d.Included && d.Node.Children.Length == 0) (empty ??= []).Add(d.Node);
                }
                if (empty is not null) children.RemoveAll(empty.Contains);
            }
            return children.ToArray();
        }

        private ParallelOptions Parallelism => new()
        {
            MaxDegreeOfParallelism = Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
    }

    /// <summary>The full path of a node under <paramref name="root"/>.</summary>
    public static string FullPath(string root, ContentNode node) => node.Path.Length == 0 ? root : root + "/" + node.Path;
}
