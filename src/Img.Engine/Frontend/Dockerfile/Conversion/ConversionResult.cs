using Img.Engine.Graph;
using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>The build graph of a Dockerfile and the image it describes.</summary>
/// <param name="Graph">Only the stages the target needs; the target vertex is an <see cref="ImageConfigOp"/>.</param>
/// <param name="Image">The final image config, history included, as BuildKit writes it.</param>
/// <param name="Platform">The platform the target stage builds for.</param>
/// <param name="ContextPaths">Paths of the build context the build reads ("/" = everything).</param>
public sealed record ConversionResult(BuildGraph Graph, ImageConfig Image, Platform Platform, IReadOnlyList<string> ContextPaths)
{
    /// <summary>The root filesystem of the target stage (the export vertex's input), or null for scratch.</summary>
    public OpInput? Root => (Graph.Target.Op as ImageConfigOp)?.Root;
}
