namespace Img.Engine.Graph;

/// <summary>Creates a directory (WORKDIR, cache mount permissions).</summary>
public sealed record FileMkdirAction(string Path, uint Mode, bool MakeParents) : FileAction
{
    /// <summary>Owner as user[:group] or uid:gid; null = root.</summary>
    public string? Chown { get; init; }
    /// <summary>
    /// The time given to the directories created (BuildKit's <c>WithCreatedTime</c>, set from
    /// SOURCE_DATE_EPOCH on WORKDIR's mkdir); null = now.
    /// </summary>
    public DateTimeOffset? CreatedTime { get; init; }

    public override string Kind => "mkdir";

    internal override void Encode(CanonicalWriter w)
    {
        w.Field("path").String(Path);
        w.Field("mode").Int(Mode);
        w.Field("parents").Bool(MakeParents);
        w.Field("chown").String(Chown);
        if (CreatedTime is { } created) // absent when unset, so existing digests stay
            w.Field("created").Int(created.ToUnixTimeSeconds());
    }
}
