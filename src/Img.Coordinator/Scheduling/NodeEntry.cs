namespace Img.Coordinator.Scheduling;

/// <summary>A node as the scheduler knows it: what its last heartbeat said, and whether it counts.</summary>
public sealed class NodeEntry(string name)
{
    public string Name { get; } = name;
    public string Worker { get; set; } = "";
    public string BlobEndpoint { get; set; } = "";
    public int Slots { get; set; }
    public int Running { get; set; }
    public int QueuedOnNode { get; set; }
    public long Executed { get; set; }
    public bool Draining { get; set; }
    public long BlobBytes { get; set; }
    public long SnapshotBytes { get; set; }
    public DateTimeOffset LastHeard { get; set; }

    /// <summary>Vertices this scheduler placed on it and not yet released.</summary>
    public int Assigned { get; set; }

    /// <summary>Heard from recently and reachable: takes work, and its results can be fetched.</summary>
    public bool Available { get; set; }
}
