namespace Img.Engine.Solver;

/// <summary>Trusts every record: for tests and for coordinators that cannot see the nodes' snapshots.</summary>
public sealed class AlwaysAvailable : IResultAvailability
{
    public static AlwaysAvailable Instance { get; } = new();

    public bool IsAvailable(CacheResult result) => true;
}
