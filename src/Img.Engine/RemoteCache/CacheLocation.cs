namespace Img.Engine.RemoteCache;

/// <summary>
/// Where a cache's blobs are, as an <see cref="Solver.ImportedResult.Source"/> names it:
/// <c>registry:HOST/REPOSITORY</c> (the distribution API, with the user's logins) or
/// <c>local:/ABSOLUTE/DIR</c> (an OCI layout directory on the client).
/// </summary>
public sealed record CacheLocation(CacheLocationKind Kind, string Registry, string Repository, string Directory)
{
    private const string RegistryPrefix = "registry:";
    private const string LocalPrefix = "local:";

    public static CacheLocation ForRegistry(string registry, string repository) => new(CacheLocationKind.Registry, registry, repository, "");

    public static CacheLocation ForDirectory(string directory) => new(CacheLocationKind.Local, "", "", Path.GetFullPath(directory));

    /// <exception cref="FormatException">Not a cache location.</exception>
    public static CacheLocation Parse(string text)
    {
        if (text.StartsWith(RegistryPrefix, StringComparison.Ordinal))
        {
            var rest = text[RegistryPrefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash <= 0 || slash == rest.Length - 1)
                throw new FormatException($"invalid cache location \"{text}\": expected registry:HOST/REPOSITORY");
            return ForRegistry(rest[..slash], rest[(slash + 1)..]);
        }
        if (text.StartsWith(LocalPrefix, StringComparison.Ordinal) && Path.IsPathFullyQualified(text[LocalPrefix.Length..]))
            return new CacheLocation(CacheLocationKind.Local, "", "", text[LocalPrefix.Length..]);
        throw new FormatException($"invalid cache location \"{text}\": expected registry:HOST/REPOSITORY or local:/DIR");
    }

    public override string ToString() => Kind == CacheLocationKind.Registry ? $"{RegistryPrefix}{Registry}/{Repository}" : LocalPrefix + Directory;
}
