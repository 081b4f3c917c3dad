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

    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<SourceOp> Schema { get; } = new OpSchema<SourceOp>("source", () => new(SourceKind.Image, ""))
        .Enum("kind", x => x.SourceKind, (x, v) => x with { SourceKind = v })
        .String("identifier", x => x.Identifier, (x, v) => x with { Identifier = v })
        .Platform("platform", x => x.Platform, (x, v) => x with { Platform = v })
        .Strings("follow", x => x.FollowPaths, (x, v) => x with { FollowPaths = v })
        .Strings("include", x => x.IncludePatterns, (x, v) => x with { IncludePatterns = v })
        .Strings("exclude", x => x.ExcludePatterns, (x, v) => x with { ExcludePatterns = v })
        .String("checksum", x => x.Checksum, (x, v) => x with { Checksum = v })
        .String("filename", x => x.Filename, (x, v) => x with { Filename = v })
        .Bool("keepgit", x => x.KeepGitDir, (x, v) => x with { KeepGitDir = v });

    public override string Kind => Schema.Kind;

    public override IReadOnlyList<OpInput> Inputs => [];

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this;
}
