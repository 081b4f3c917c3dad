namespace Img.Engine.Solver;

/// <summary>
/// Whether a recorded <see cref="CacheResult"/> can still be used: its snapshot may have been
/// pruned (or lost) after the record was written. The build treats a hit that is not available
/// as a miss and runs the vertex again, which records a new result under the same key.
/// </summary>
public interface IResultAvailability
{
    bool IsAvailable(CacheResult result);
}
