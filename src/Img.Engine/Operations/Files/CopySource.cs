using Img.Engine.Native;
using Img.Engine.Paths;
using System.IO.Enumeration;
using Img.Engine.Archive;
using Img.Engine.Context;
using Img.Engine.Context.Ignore;
using FileStatus = Img.Engine.Native.FileStatus;

namespace Img.Engine.Operations.Files;

/// <summary>
/// One input of a copy as the copy sees it: paths resolve inside <see cref="Root"/> (symlinks
/// chroot-style), and for the build context, what .dockerignore excludes does not exist. A
/// directory the ignore rules exclude is still there when a <c>!</c> exception brings back
/// something below it, holding only that (as the context transfer would send it).
/// </summary>
internal sealed class CopySource
{
    private static readonly EnumerationOptions ListOptions = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    private readonly ContextFilter? _filter;
    private readonly Dictionary<string, bool> _excludedDirectoryVisible = new(StringComparer.Ordinal);

    public CopySource(FileInputSource input)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(input.Root));
        IsContext = input.Filter is not null;
        _filter = input.Filter is { Patterns.Count: > 0 } ? input.Filter : null;
    }

    /// <summary>The source directory, absolute, no trailing slash.</summary>
    public string Root { get; }

    /// <summary>The build context: sources may not climb out, owners read as 0:0.</summary>
    public bool IsContext { get; }

    /// <summary>
    /// Cleans a source path to an absolute one (<c>/a/b</c>; <c>/</c> for the root). The context
    /// refuses paths climbing above its root; other inputs clamp them, as <c>filepath.Join("/", p)</c> does.
    /// </summary>
    public string Clean(string path)
    {
        if (IsContext)
        {
            try
            {
                return "/" + SourcePath.Clean(path);
            }
            catch (ForbiddenContextPathException e)
            {
                throw new FileOpException(e.Message, e);
            }
        }
        return GoPath.Clean("/" + path);
    }

    /// <summary>
    /// The host path of a cleaned absolute source path: every symlink resolved inside the root,
    /// the final one only when <paramref name="followFinal"/>.
    /// </summary>
    public string Resolve(string cleanPath, bool followFinal)
    {
        if (cleanPath == "/") return Root;
        if (followFinal) return ArchivePath.SecureJoin(Root, cleanPath);
        int slash = cleanPath.LastIndexOf('/');
        string parent = ArchivePath.SecureJoin(Root, cleanPath[..(slash + 1)]);
        return parent + cleanPath[slash..];
    }

    /// <summary>The path inside the root of a host path under it (<c>/</c> for the root).</summary>
    public string Display(string hostPath) => Inside(Root, hostPath);

    internal static string Inside(string root, string hostPath) =>
        hostPath.Length <= root.Length ? "/" : hostPath[root.Length..];

    /// <summary>Whether the entry at <paramref name="hostPath"/> (with its lstat) exists for the copy.</summary>
    public bool IsVisible(string hostPath, FileStatus status)
    {
        if (_filter is null || hostPath.Length <= Root.Length) return true;
        string relative = hostPath[(Root.Length + 1)..];
        if (_filter.IsIncluded(relative)) return true;
        if (!status.IsDirectory || !_filter.Matcher.HasExclusions) return false;
        if (_excludedDirectoryVisible.TryGetValue(relative, out bool known)) return known;
        bool visible = false;
        foreach (string name in ListNames(hostPath))
        {
            string child = hostPath + "/" + name;
            if (Posix.TryLStat(child) is { } st && IsVisible(child, st))
            {
                visible = true;
                break;
            }
        }
        _excludedDirectoryVisible[relative] = visible;
        return visible;
    }

    /// <summary>The names in a directory, ordinal order (Go's <c>os.ReadDir</c> sorts by name).</summary>
    public static string[] ListNames(string directory)
    {
        var names = new FileSystemEnumerable<string>(directory, static (ref FileSystemEntry e) => e.FileName.ToString(), ListOptions).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }
}
