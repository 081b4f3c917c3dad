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

    public override string Kind => "copy";
    internal override OpInput? Input => Source;

    internal override void Encode(CanonicalWriter w)
    {
        w.Field("source").Input(Source);
        w.Field("src").String(SourcePath);
        w.Field("dest").String(Dest);
        w.Field("chown").String(Chown);
        w.Field("mode").Int(Mode);
        w.Field("modeString").String(ModeString);
        w.Field("follow").Bool(FollowSymlinks);
        w.Field("contentsOnly").Bool(CopyDirContentsOnly);
        w.Field("createDest").Bool(CreateDestPath);
        w.Field("wildcard").Bool(AllowWildcard);
        w.Field("emptyWildcard").Bool(AllowEmptyWildcard);
        w.Field("unpack").Bool(AttemptUnpack);
        w.Field("include").Strings(IncludePatterns);
        w.Field("exclude").Strings(ExcludePatterns);
        w.Field("required").Strings(RequiredPaths);
    }
}
