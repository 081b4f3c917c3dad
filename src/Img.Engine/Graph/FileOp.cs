namespace Img.Engine.Graph;

/// <summary>
/// File changes applied in order on <see cref="Base"/> (COPY, ADD, WORKDIR's mkdir, inline
/// files). One output: the changed filesystem.
/// </summary>
/// <param name="Base">The filesystem changed; null = scratch.</param>
public sealed record FileOp(OpInput? Base, IReadOnlyList<FileAction> Actions) : BuildOp
{
    public override string Kind => "file";

    public override IReadOnlyList<OpInput> Inputs => Distinct(Actions.Select(a => a.Input).Prepend(Base));

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with
    {
        Base = Base is null ? null : map(Base),
        Actions = Actions.Select(a => a is FileCopyAction { Source: not null } c ? c with { Source = map(c.Source) } : a).ToArray(),
    };

    public override void Encode(CanonicalWriter w)
    {
        w.Field("base").Input(Base);
        w.Field("actions").List(Actions, (writer, a) =>
        {
            writer.String(a.Kind);
            a.Encode(writer);
        });
    }
}
