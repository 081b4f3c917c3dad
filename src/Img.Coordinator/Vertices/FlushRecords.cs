namespace Img.Coordinator.Vertices;

/// <summary>
/// Asks a vertex entity (or <see cref="LocalVertexRegionActor"/>, for all of them) to answer
/// <see cref="RecordsFlushed"/> once the cache records it has started writing are in the journal.
/// In-process only: never serialised.
/// </summary>
public sealed class FlushRecords
{
    public static FlushRecords Instance { get; } = new();

    private FlushRecords()
    {
    }
}

/// <summary>The answer to <see cref="FlushRecords"/>.</summary>
public sealed class RecordsFlushed
{
    public static RecordsFlushed Instance { get; } = new();

    private RecordsFlushed()
    {
    }
}
