namespace Img.Engine.Graph;

/// <summary>Removes a path.</summary>
public sealed record FileRmAction(string Path, bool AllowNotFound, bool AllowWildcard) : FileAction
{
    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<FileRmAction> Schema { get; } = new OpSchema<FileRmAction>("rm", () => new("", false, false))
        .String("path", x => x.Path, (x, v) => x with { Path = v })
        .Bool("notFound", x => x.AllowNotFound, (x, v) => x with { AllowNotFound = v })
        .Bool("wildcard", x => x.AllowWildcard, (x, v) => x with { AllowWildcard = v });

    public override string Kind => Schema.Kind;
}
