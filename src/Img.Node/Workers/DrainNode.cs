namespace Img.Node.Workers;

/// <summary>
/// In-process: the node is stopping (SIGTERM). The worker takes no new vertices, hands back the
/// ones still queued, and answers <see cref="NodeDrained"/> once its running ones are done.
/// </summary>
public sealed class DrainNode
{
    public static DrainNode Instance { get; } = new();

    private DrainNode()
    {
    }
}

/// <summary>The answer to <see cref="DrainNode"/>: nothing runs any more.</summary>
public sealed class NodeDrained
{
    public static NodeDrained Instance { get; } = new();

    private NodeDrained()
    {
    }
}
