namespace Img.Engine.Graph;

/// <summary>
/// File changes applied in order on <see cref="Base"/> (COPY, ADD, WORKDIR's mkdir, inline
/// files). One output: the changed filesystem.
/// </summary>
/// <param name="Base">The filesystem changed; null = scratch.</param>
public sealed record FileOp(OpInput? Base, IReadOnlyList<FileAction> Actions) : BuildOp
{
    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<FileOp> Schema { get; } = new OpSchema<FileOp>("file", () => new(null, []))
        .Input("base", x => x.Base, (x, v) => x with { Base = v })
        .Variants("actions", FileAction.Kinds, x => x.Actions, (x, v) => x with { Actions = v });

    public override string Kind => Schema.Kind;

    public override IReadOnlyList<OpInput> Inputs => Distinct(Actions.Select(a => a.Input).Prepend(Base));

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with
    {
        Base = Base is null ? null : map(Base),
        Actions = Actions.Select(a => a is FileCopyAction { Source: not null } c ? c with { Source = map(c.Source) } : a).ToArray(),
    };
}
