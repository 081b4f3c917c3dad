using Img.Engine.Oci;

namespace Img.Engine.Graph;

/// <summary>
/// A leaf of the graph: an image, the local build context, an HTTP file or a git repository.
/// </summary>
/// <param name="Identifier">The image reference, the local context name (<c>context</c>), the URL.</param>
public sealed record SourceOp(SourceKind SourceKind, string Identifier) : BuildOp
{
    /// <summary>Image sources: the platform to pull.</summary>
    public Platform? Platform { get; init; }
    /// <summary>Local sources: only these paths are needed (<c>FollowPaths</c>), sorted; empty = all.</summary>
    public IReadOnlyList<string> FollowPaths { get; init; } = [];
    /// <summary>Local sources: include patterns.</summary>
    public IReadOnlyList<string> IncludePatterns { get; init; } = [];
    /// <summary>Local sources: exclude patterns (.dockerignore).</summary>
    public IReadOnlyList<string> ExcludePatterns { get; init; } = [];
    /// <summary>HTTP/git: expected checksum (ADD --checksum), or "".</summary>
    public string Checksum { get; init; } = "";
    /// <summary>HTTP: the file name to save as.</summary>
    public string Filename { get; init; } = "";
    /// <summary>Git: keep the .git directory.</summary>
    public bool KeepGitDir { get; init; }

    public override string Kind => "source";

    public override IReadOnlyList<OpInput> Inputs => [];

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this;

    public override void Encode(CanonicalWriter w)
    {
        w.Field("kind").Int((int)SourceKind);
        w.Field("identifier").String(Identifier);
        w.Field("platform").String(Platform is null ? null : Platform.ToString() + "|" + (Platform.OsVersion ?? ""));
        w.Field("follow").Strings(FollowPaths);
        w.Field("include").Strings(IncludePatterns);
        w.Field("exclude").Strings(ExcludePatterns);
        w.Field("checksum").String(Checksum);
        w.Field("filename").String(Filename);
        w.Field("keepgit").Bool(KeepGitDir);
    }
}
