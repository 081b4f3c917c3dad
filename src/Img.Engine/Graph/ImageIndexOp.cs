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
    /// <summary>An index entry's platform: what the index document says of it (OS features are not written).</summary>
    private static OpSchema<Platform> EntryPlatform { get; } = new OpSchema<Platform>("platform", () => new Platform())
        .String("os", x => x.Os, (x, v) => x with { Os = v })
        .String("architecture", x => x.Architecture, (x, v) => x with { Architecture = v })
        .OptionalString("variant", x => x.Variant, (x, v) => x with { Variant = v })
        .OptionalString("os-version", x => x.OsVersion, (x, v) => x with { OsVersion = v });

    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<ImageIndexOp> Schema { get; } = new OpSchema<ImageIndexOp>("index", () => new([], []))
        .Inputs("manifests", x => x.Manifests, (x, v) => x with { Manifests = v })
        .Records("platforms", EntryPlatform, x => x.Platforms, (x, v) => x with { Platforms = v });

    public override string Kind => Schema.Kind;

    public override IReadOnlyList<OpInput> Inputs => Distinct(Manifests);

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with { Manifests = Manifests.Select(map).ToArray() };
}
