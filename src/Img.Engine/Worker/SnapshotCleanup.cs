using Img.Engine.Snapshots;

namespace Img.Engine.Worker;

/// <summary>Small snapshotter conveniences: existence checks and best-effort removal on failure paths.</summary>
internal static class SnapshotCleanup
{
    public static bool Exists(ISnapshotter snapshotter, string name)
    {
        try
        {
            snapshotter.Stat(name);
            return true;
        }
        catch (SnapshotNotFoundException)
        {
            return false;
        }
    }

    public static SnapshotInfo? TryStat(ISnapshotter snapshotter, string name)
    {
        try
        {
            return snapshotter.Stat(name);
        }
        catch (SnapshotNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Removes an active snapshot or view, ignoring a snapshot that is already gone.</summary>
    public static async Task TryRemoveAsync(ISnapshotter snapshotter, string key)
    {
        try
        {
            await snapshotter.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SnapshotException)
        {
        }
    }
}
