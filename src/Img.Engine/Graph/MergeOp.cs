namespace Img.Engine.Graph;

/// <summary>Stacks filesystems, later ones on top (COPY --link). Scratch inputs are left out.</summary>
public sealed record MergeOp(IReadOnlyList<OpInput> Layers) : BuildOp
{
    public override string Kind => "merge";

    public override IReadOnlyList<OpInput> Inputs => Distinct(Layers);

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with { Layers = Layers.Select(map).ToArray() };

    public override void Encode(CanonicalWriter w) => w.Field("layers").List(Layers, (writer, i) => writer.Input(i));
}
