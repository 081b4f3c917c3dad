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

    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<FileMkdirAction> Schema { get; } = new OpSchema<FileMkdirAction>("mkdir", () => new("", 0, false))
        .String("path", x => x.Path, (x, v) => x with { Path = v })
        .UInt32("mode", x => x.Mode, (x, v) => x with { Mode = v })
        .Bool("parents", x => x.MakeParents, (x, v) => x with { MakeParents = v })
        .OptionalString("chown", x => x.Chown, (x, v) => x with { Chown = v })
        // absent from the digest when unset, so the digests from before it stay
        .OptionalSeconds("created", x => x.CreatedTime, (x, v) => x with { CreatedTime = v });

    public override string Kind => Schema.Kind;
}
