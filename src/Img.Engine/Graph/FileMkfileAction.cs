namespace Img.Engine.Graph;

/// <summary>Creates a file with the given content (here-documents).</summary>
public sealed record FileMkfileAction(string Path, uint Mode, string Data) : FileAction
{
    public string? Chown { get; init; }

    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<FileMkfileAction> Schema { get; } = new OpSchema<FileMkfileAction>("mkfile", () => new("", 0, ""))
        .String("path", x => x.Path, (x, v) => x with { Path = v })
        .UInt32("mode", x => x.Mode, (x, v) => x with { Mode = v })
        .Text("data", x => x.Data, (x, v) => x with { Data = v })
        .OptionalString("chown", x => x.Chown, (x, v) => x with { Chown = v });

    public override string Kind => Schema.Kind;
}
