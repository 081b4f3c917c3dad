using System.Diagnostics.CodeAnalysis;
using Img.Engine.Content;

namespace Img.Engine.References;

/// <summary>
/// A normalized image reference, <c>registry/repository[:tag][@digest]</c>, parsed with the
/// rules of docker's <c>ParseNormalizedNamed</c>:
/// <list type="bullet">
/// <item>the first path component is the registry when it contains <c>.</c> or <c>:</c>, is
/// <c>localhost</c>, or has upper-case letters; otherwise the registry is <c>docker.io</c>;</item>
/// <item><c>index.docker.io</c> is canonicalised to <c>docker.io</c>, and single-component Docker
/// Hub names get the <c>library/</c> namespace (<c>busybox</c> = <c>docker.io/library/busybox</c>);</item>
/// <item>the repository must be lower-case; tags are <c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>;
/// digests must be <c>sha256:</c> plus 64 lower-case hex characters.</item>
/// </list>
/// Instances are immutable; <see cref="WithTag"/> and <see cref="WithDigest"/> return new ones.
/// </summary>
public sealed class ImageReference : IEquatable<ImageReference>
{
    /// <summary>The canonical Docker Hub registry name used in references.</summary>
    public const string DockerHubRegistry = "docker.io";

    /// <summary>The host that serves Docker Hub's registry API.</summary>
    public const string DockerHubApiHost = "registry-1.docker.io";

    /// <summary>The legacy Docker Hub name, normalised to <see cref="DockerHubRegistry"/>.</summary>
    public const string LegacyDockerHubRegistry = "index.docker.io";

    /// <summary>The tag a reference without tag or digest gets.</summary>
    public const string DefaultTag = "latest";

    /// <summary>Maximum length of registry + "/" + repository.</summary>
    public const int NameTotalLengthMax = 255;

    private const string OfficialRepositoryPrefix = "library/";
    private const string InvalidFormat = "invalid reference format";

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry (docker's "domain"), e.g. <c>docker.io</c>, <c>localhost:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry, e.g. <c>library/busybox</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag, or null when the reference has none.</summary>
    public string? Tag { get; }

    /// <summary>The digest, or null when the reference has none.</summary>
    public Digest? Digest { get; }

    /// <summary>True when the reference has neither tag nor digest.</summary>
    public bool IsNameOnly => Tag is null && Digest is null;

    /// <summary>True when the registry is Docker Hub.</summary>
    public bool IsDockerHub => Registry == DockerHubRegistry;

    /// <summary><c>registry/repository</c>, without tag or digest: <c>docker.io/library/busybox</c>.</summary>
    public string FullName => Registry + "/" + Repository;

    /// <summary>
    /// The repository as docker shows it: Docker Hub's <c>docker.io/</c> and <c>library/</c>
    /// prefixes removed (<c>busybox</c>, <c>user/app</c>, <c>localhost:5000/app</c>).
    /// </summary>
    public string FamiliarRepository
    {
        get
        {
            if (!IsDockerHub) return FullName;
            if (Repository.StartsWith(OfficialRepositoryPrefix, StringComparison.Ordinal))
            {
                var rest = Repository[OfficialRepositoryPrefix.Length..];
                if (!rest.Contains('/')) return rest;
            }
            return Repository;
        }
    }

    /// <summary>The familiar form with tag and digest, as <c>docker images</c> shows it: <c>busybox:latest</c>.</summary>
    public string FamiliarName => Suffix(FamiliarRepository);

    /// <summary>
    /// The host to send registry API requests to: <c>registry-1.docker.io</c> for Docker Hub,
    /// the registry itself otherwise.
    /// </summary>
    public string RegistryApiHost => IsDockerHub ? DockerHubApiHost : Registry;

    /// <summary>
    /// The <c>&lt;reference&gt;</c> of a manifest request: the digest when there is one
    /// (a digest pins the content, a tag beside it is informational), else the tag, else <c>latest</c>.
    /// </summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? DefaultTag;

    /// <summary>Parses a reference and gives it the <c>latest</c> tag when it has neither tag nor digest.</summary>
    /// <exception cref="InvalidReferenceException">Docker would refuse the reference.</exception>
    public static ImageReference Parse(string reference)
    {
        var parsed = ParseNormalized(reference);
        return parsed.IsNameOnly ? parsed.WithTag(DefaultTag) : parsed;
    }

    /// <summary>Like <see cref="Parse"/>, without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? reference, [NotNullWhen(true)] out ImageReference? result)
    {
        result = null;
        if (reference is null) return false;
        var error = TryParseCore(reference, out var parsed);
        if (error is not null) return false;
        result = parsed!.IsNameOnly ? parsed.WithTag(DefaultTag) : parsed;
        return true;
    }

    /// <summary>
    /// Parses a reference exactly like docker's <c>ParseNormalizedNamed</c>: familiar names are
    /// normalised, but no default tag is added (<see cref="IsNameOnly"/> can be true).
    /// </summary>
    /// <exception cref="InvalidReferenceException">Docker would refuse the reference.</exception>
    public static ImageReference ParseNormalized(string reference)
    {
        var error = TryParseCore(reference, out var parsed);
        return error is null ? parsed! : throw new InvalidReferenceException(reference, error);
    }

    /// <summary>The same repository with <paramref name="tag"/> (the digest, if any, is kept).</summary>
    /// <exception cref="InvalidReferenceException">The tag is not valid.</exception>
    public ImageReference WithTag(string tag)
    {
        if (!ReferenceGrammar.AnchoredTag().IsMatch(tag))
            throw new InvalidReferenceException(tag, $"invalid tag format: \"{tag}\"");
        return new ImageReference(Registry, Repository, tag, Digest);
    }

    /// <summary>The same repository with <paramref name="digest"/> (the tag, if any, is kept).</summary>
    public ImageReference WithDigest(Digest digest)
    {
        if (digest.IsEmpty) throw new ArgumentException("digest is empty", nameof(digest));
        return new ImageReference(Registry, Repository, Tag, digest);
    }

    /// <summary>The repository alone, without tag or digest.</summary>
    public ImageReference WithoutTagOrDigest() => new(Registry, Repository, null, null);

    /// <summary>The canonical form: <c>docker.io/library/busybox:latest</c>.</summary>
    public override string ToString() => Suffix(FullName);

    public bool Equals(ImageReference? other) =>
        other is not null && Registry == other.Registry && Repository == other.Repository &&
        Tag == other.Tag && Digest == other.Digest;

    public override bool Equals(object? obj) => Equals(obj as ImageReference);

    public override int GetHashCode() => HashCode.Combine(Registry, Repository, Tag, Digest);

    public static bool operator ==(ImageReference? left, ImageReference? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(ImageReference? left, ImageReference? right) => !(left == right);

    private string Suffix(string name)
    {
        var s = name;
        if (Tag is not null) s += ":" + Tag;
        if (Digest is { } d) s += "@" + d;
        return s;
    }

    /// <returns>null on success, else docker's error message.</returns>
    private static string? TryParseCore(string input, out ImageReference? result)
    {
        result = null;
        if (ReferenceGrammar.AnchoredIdentifier().IsMatch(input))
            return $"invalid repository name ({input}), cannot specify 64-byte hexadecimal strings";

        var (domain, remainder) = SplitDomain(input);
        var tagSeparator = remainder.IndexOf(':');
        var remote = tagSeparator >= 0 ? remainder[..tagSeparator] : remainder;
        if (!remote.Equals(remote.ToLowerInvariant(), StringComparison.Ordinal))
            return $"{InvalidFormat}: repository name ({remote}) must be lowercase";

        var full = domain + "/" + remainder;
        var match = ReferenceGrammar.Reference().Match(full);
        if (!match.Success)
        {
            if (ReferenceGrammar.Reference().IsMatch(full.ToLowerInvariant()))
                return $"{InvalidFormat}: repository name must be lowercase";
            return InvalidFormat;
        }

        var name = match.Groups[1].Value;
        if (name.Length > NameTotalLengthMax)
            return $"repository name must not be more than {NameTotalLengthMax} characters";

        var nameMatch = ReferenceGrammar.AnchoredName().Match(name);
        // docker accepts an empty domain here ("a_b.c/d": a registry-looking first component
        // that is not a valid host); no registry could be contacted for it, so refuse it now.
        if (!nameMatch.Success || !nameMatch.Groups[1].Success || nameMatch.Groups[1].Length == 0)
            return InvalidFormat;

        var tag = match.Groups[2].Success ? match.Groups[2].Value : null;
        Digest? digest = null;
        if (match.Groups[3].Success)
        {
            var digestText = match.Groups[3].Value;
            try
            {
                digest = Content.Digest.Parse(digestText);
            }
            catch (InvalidDigestException e)
            {
                return $"{InvalidFormat}: {e.Reason}";
            }
        }

        result = new ImageReference(nameMatch.Groups[1].Value, nameMatch.Groups[2].Value, tag, digest);
        return null;
    }

    private static (string Domain, string Remainder) SplitDomain(string name)
    {
        var slash = name.IndexOf('/');
        if (slash < 0)
            return (DockerHubRegistry, OfficialRepositoryPrefix + name);

        var first = name[..slash];
        var rest = name[(slash + 1)..];
        string domain, remainder;
        if (first == "localhost" || first.Contains('.') || first.Contains(':') ||
            !first.Equals(first.ToLowerInvariant(), StringComparison.Ordinal))
        {
            (domain, remainder) = (first, rest);
        }
        else
        {
            (domain, remainder) = (DockerHubRegistry, name);
        }

        if (domain == LegacyDockerHubRegistry) domain = DockerHubRegistry;
        if (domain == DockerHubRegistry && !remainder.Contains('/'))
            remainder = OfficialRepositoryPrefix + remainder;
        return (domain, remainder);
    }
}
