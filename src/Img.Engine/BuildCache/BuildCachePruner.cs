using Img.Engine.Snapshots;

namespace Img.Engine.BuildCache;

/// <summary>
/// Removes the snapshots of a <see cref="BuildCachePrunePlan"/>, children first, once their
/// records are gone (the caller deletes records through the actors first). A snapshot that
/// cannot be removed (a child appeared, a file refuses deletion) is reported and the rest go on.
/// </summary>
public static class BuildCachePruner
{
    public static async Task<BuildCachePruneResult> RemoveSnapshotsAsync(BuildCachePrunePlan plan, CancellationToken cancellationToken)
    {
        var removed = new List<BuildCacheEntry>();
        var failures = new List<string>();
        foreach (var entry in plan.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Directory is { } directory)
            {
                try
                {
                    TreeRemover.RemoveAll(directory);
                    File.Delete(directory + ".lock");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failures.Add($"{directory}: {e.Message}");
                    continue;
                }
            }
            else if (entry.Snapshotter is { } snapshotter && entry.Snapshot is { } snapshot)
            {
                try
                {
                    await snapshotter.RemoveAsync(snapshot.Key, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SnapshotException or IOException or UnauthorizedAccessException)
                {
                    failures.Add($"{snapshot.Key}: {e.Message}");
                    continue;
                }
            }
            removed.Add(entry);
        }
        return new BuildCachePruneResult(removed, failures);
    }
}
