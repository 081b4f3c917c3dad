using Img.Engine.Oci;

namespace Img.Engine.Graph;

/// <summary>
/// The platform a RUN step's processes are built for: the platform of the image its root
/// filesystem starts from (its stage's <c>FROM</c>), found by following the root down through
/// other steps, file operations and merges. A cluster places the step on a node that runs that
/// platform (natively or under emulation). Null when no image says (a step on scratch, or on a
/// context or download): any node may take it.
/// </summary>
public static class ExecutionPlatform
{
    /// <summary>The platform of <paramref name="vertex"/>'s process, or null when it runs none or no image says.</summary>
    public static Platform? Of(BuildGraph graph, OpDigest vertex)
    {
        if (graph[vertex].Op is not ExecOp exec)
            return null;
        var input = exec.Root;
        while (input is not null)
        {
            switch (graph[input.Digest].Op)
            {
                case SourceOp { SourceKind: SourceKind.Image or SourceKind.OciLayout } image:
                    return image.Platform;
                case ExecOp below:
                    input = below.Root;
                    break;
                case FileOp file:
                    input = file.Base;
                    break;
                case MergeOp merge:
                    input = merge.Layers.Count > 0 ? merge.Layers[0] : null;
                    break;
                default:
                    return null;
            }
        }
        return null;
    }
}
