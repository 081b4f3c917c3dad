using Img.Engine.Oci;
using Img.Engine.Platforms;

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

    /// <summary>The platforms its steps can run, as advertised; null: any.</summary>
    public IReadOnlyList<Platform>? Platforms { get; set; }

    /// <summary><see cref="Platforms"/> as advertised, to notice a change.</summary>
    public IReadOnlyList<string>? PlatformNames { get; set; }

    /// <summary>Whether it runs steps for <paramref name="platform"/> (null, or no platforms advertised: yes).</summary>
    public bool Runs(Platform? platform) =>
        platform is null || Platforms is null || Platforms.Any(p => PlatformMatcher.CanRun(platform, p));

    /// <summary>Vertices this scheduler placed on it and not yet released.</summary>
    public int Assigned { get; set; }

    /// <summary>Heard from recently and reachable: takes work, and its results can be fetched.</summary>
    public bool Available { get; set; }
}
