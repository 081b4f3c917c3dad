namespace Img.Engine.Graph;

/// <summary>Copies <see cref="SourcePath"/> of <see cref="Source"/> to <see cref="Dest"/> (COPY/ADD).</summary>
/// <param name="Source">The filesystem copied from; null = scratch.</param>
public sealed record FileCopyAction(OpInput? Source, string SourcePath, string Dest) : FileAction
{
    /// <summary><c>--chown</c> as written (user[:group]), resolved against the destination at run time.</summary>
    public string? Chown { get; init; }
    /// <summary><c>--chmod</c> octal mode, when numeric.</summary>
    public uint? Mode { get; init; }
    /// <summary><c>--chmod</c> symbolic mode (<c>u+x</c>), when not numeric.</summary>
    public string? ModeString { get; init; }
    public bool FollowSymlinks { get; init; }
    public bool CopyDirContentsOnly { get; init; }
    public bool CreateDestPath { get; init; }
    public bool AllowWildcard { get; init; }
    public bool AllowEmptyWildcard { get; init; }
    public bool AttemptUnpack { get; init; }
    public IReadOnlyList<string> IncludePatterns { get; init; } = [];
    public IReadOnlyList<string> ExcludePatterns { get; init; } = [];
    public IReadOnlyList<string> RequiredPaths { get; init; } = [];

    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<FileCopyAction> Schema { get; } = new OpSchema<FileCopyAction>("copy", () => new(null, "", ""))
        .Input("source", x => x.Source, (x, v) => x with { Source = v })
        .String("src", x => x.SourcePath, (x, v) => x with { SourcePath = v })
        .String("dest", x => x.Dest, (x, v) => x with { Dest = v })
        .OptionalString("chown", x => x.Chown, (x, v) => x with { Chown = v })
        .OptionalUInt32("mode", x => x.Mode, (x, v) => x with { Mode = v })
        .OptionalString("modeString", x => x.ModeString, (x, v) => x with { ModeString = v })
        .Bool("follow", x => x.FollowSymlinks, (x, v) => x with { FollowSymlinks = v })
        .Bool("contentsOnly", x => x.CopyDirContentsOnly, (x, v) => x with { CopyDirContentsOnly = v })
        .Bool("createDest", x => x.CreateDestPath, (x, v) => x with { CreateDestPath = v })
        .Bool("wildcard", x => x.AllowWildcard, (x, v) => x with { AllowWildcard = v })
        .Bool("emptyWildcard", x => x.AllowEmptyWildcard, (x, v) => x with { AllowEmptyWildcard = v })
        .Bool("unpack", x => x.AttemptUnpack, (x, v) => x with { AttemptUnpack = v })
        .Strings("include", x => x.IncludePatterns, (x, v) => x with { IncludePatterns = v })
        .Strings("exclude", x => x.ExcludePatterns, (x, v) => x with { ExcludePatterns = v })
        .Strings("required", x => x.RequiredPaths, (x, v) => x with { RequiredPaths = v });

    public override string Kind => Schema.Kind;
    internal override OpInput? Input => Source;
}
