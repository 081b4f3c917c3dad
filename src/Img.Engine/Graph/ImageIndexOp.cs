using Img.Engine.Oci;

namespace Img.Engine.Graph;

/// <summary>
/// The target of a multi-platform build (<c>--platform linux/amd64,linux/arm64</c>): one export
/// vertex (<see cref="ImageConfigOp"/>) per platform, gathered into an OCI image index, as
/// BuildKit's image exporter does with a result that holds one ref per platform. Entry
/// <c>i</c> of the index is <see cref="Manifests"/>[i]'s image with <see cref="Platforms"/>[i],
/// in the order the platforms were asked for. Runs nothing but writing the index document.
/// </summary>
/// <param name="Manifests">The export vertices, one per platform.</param>
/// <param name="Platforms">The platform each one was built for (normalised; what the index says).</param>
public sealed record ImageIndexOp(IReadOnlyList<OpInput> Manifests, IReadOnlyList<Platform> Platforms) : BuildOp
{
    public override string Kind => "index";

    public override IReadOnlyList<OpInput> Inputs => Distinct(Manifests);

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with { Manifests = Manifests.Select(map).ToArray() };

    public override void Encode(CanonicalWriter w)
    {
        w.Field("manifests").List(Manifests, (writer, i) => writer.Input(i));
        w.Field("platforms").List(Platforms, (writer, p) => writer
            .String(p.Os).String(p.Architecture).String(p.Variant).String(p.OsVersion));
    }
}
