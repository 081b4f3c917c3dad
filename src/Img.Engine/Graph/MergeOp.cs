namespace Img.Engine.Graph;

/// <summary>Stacks filesystems, later ones on top (COPY --link). Scratch inputs are left out.</summary>
public sealed record MergeOp(IReadOnlyList<OpInput> Layers) : BuildOp
{
    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<MergeOp> Schema { get; } = new OpSchema<MergeOp>("merge", () => new([]))
        .Inputs("layers", x => x.Layers, (x, v) => x with { Layers = v });

    public override string Kind => Schema.Kind;

    public override IReadOnlyList<OpInput> Inputs => Distinct(Layers);

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with { Layers = Layers.Select(map).ToArray() };
}
