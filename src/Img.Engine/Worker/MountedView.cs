using Img.Engine.Mounts;
using Img.Engine.Snapshots;

namespace Img.Engine.Worker;

/// <summary>A mounted read-only view; disposing unmounts and removes it.</summary>
internal sealed class MountedView(ISnapshotter snapshotter, string key, MountLease lease) : IAsyncDisposable
{
    public string Directory => lease.Directory;

    public async ValueTask DisposeAsync()
    {
        lease.Dispose();
        await SnapshotCleanup.TryRemoveAsync(snapshotter, key).ConfigureAwait(false);
    }
}
