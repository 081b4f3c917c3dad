using Img.Engine.Context.Checksums;
using Img.Engine.Native;

namespace Img.Engine.Operations.Files;

/// <summary>
/// Expands a source path with wildcards the way BuildKit's copy does: the path splits at its
/// first component holding <c>*</c>, <c>?</c> or <c>[</c>; the literal part is resolved inside
/// the root (its last symlink followed only when asked); below it, entries are visited in
/// lexical order and each whose path relative to that directory matches the rest with Go's
/// <c>path.Match</c> is a match (a matched directory is not entered). Symlinks are never
/// entered. A path without wildcards is returned as it is.
/// </summary>
internal static class WildcardResolver
{
    /// <param name="cleanPath">An absolute, cleaned path.</param>
    /// <param name="visible">Which entries exist (the context's ignore rules); null = all.</param>
    /// <returns>Absolute paths inside the root, in walk order.</returns>
    /// <exception cref="FileOpException">The literal part does not exist.</exception>
    public static List<string> Resolve(string root, string cleanPath, bool followLinks, Func<string, FileStatus, bool>? visible)
    {
        var parts = cleanPath.Split('/');
        int first = Array.FindIndex(parts, GoPathMatch.ContainsWildcards);
        if (first < 0) return [cleanPath];
        string literal = "/" + string.Join('/', parts[1..first]).TrimStart('/');
        string pattern = string.Join('/', parts[first..]);

        string baseHost = literal == "/" ? root
            : followLinks ? Img.Engine.Archive.ArchivePath.SecureJoin(root, literal)
            : Img.Engine.Archive.ArchivePath.SecureJoin(root, literal[..(literal.LastIndexOf('/') + 1)]) + literal[literal.LastIndexOf('/')..];
        var baseStatus = Posix.TryLStat(baseHost) ?? throw new FileOpException($"lstat {CopySource.Inside(root, baseHost)}: no such file or directory");
        var matches = new List<string>();
        if (!baseStatus.IsDirectory || !GoPathMatch.IsValid(pattern)) return matches;
        int depth = pattern.Count(c => c == '/') + 1;
        Walk(baseHost, "", 1);
        return matches;

        void Walk(string directory, string relative, int level)
        {
            foreach (string name in CopySource.ListNames(directory))
            {
                string host = directory + "/" + name;
                if (Posix.TryLStat(host) is not { } st) continue;
                if (visible is not null && !visible(host, st)) continue;
                string rel = relative.Length == 0 ? name : relative + "/" + name;
                if (GoPathMatch.Match(pattern, rel))
                {
                    matches.Add(CopySource.Inside(root, host));
                    continue;
                }
                if (st.IsDirectory && level < depth) Walk(host, rel, level + 1);
            }
        }
    }
}
