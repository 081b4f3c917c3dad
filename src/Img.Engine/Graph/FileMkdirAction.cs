namespace Img.Engine.Graph;

/// <summary>Creates a directory (WORKDIR, cache mount permissions).</summary>
public sealed record FileMkdirAction(string Path, uint Mode, bool MakeParents) : FileAction
{
    /// <summary>Owner as user[:group] or uid:gid; null = root.</summary>
    public string? Chown { get; init; }

    public override string Kind => "mkdir";

    internal override void Encode(CanonicalWriter w)
    {
        w.Field("path").String(Path);
        w.Field("mode").Int(Mode);
        w.Field("parents").Bool(MakeParents);
        w.Field("chown").String(Chown);
    }
}
