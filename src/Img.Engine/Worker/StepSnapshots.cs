using Img.Engine.Mounts;
using Img.Engine.Snapshots;
using Img.Engine.Solver;

namespace Img.Engine.Worker;

/// <summary>
/// The snapshot side of a build step: an active snapshot on the input's committed snapshot,
/// mounted at a temporary directory, committed under a fresh name with the lineage labels
/// (<see cref="SnapshotLabels.Description"/>, <see cref="SnapshotLabels.BaseManifest"/> inherited
/// from the input), or removed when the step fails.
/// </summary>
internal sealed class StepSnapshots(ISnapshotter snapshotter, string scratch)
{
    public ISnapshotter Snapshotter => snapshotter;

    public string Scratch => scratch;

    public async Task<ActiveStep> PrepareAsync(string? parent, CancellationToken ct)
    {
        var key = "active-" + Guid.NewGuid().ToString("N");
        var mounts = await snapshotter.PrepareAsync(key, parent, null, ct).ConfigureAwait(false);
        return new ActiveStep(this, key, parent, mounts);
    }

    /// <summary>Mounts a read-only view of a committed snapshot (for reading inputs); dispose to unmount and remove it.</summary>
    public async Task<MountedView> ViewAsync(string name, CancellationToken ct)
    {
        var key = "view-" + Guid.NewGuid().ToString("N");
        var mounts = await snapshotter.ViewAsync(key, name, null, ct).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(scratch);
            var lease = Mounter.MountTemporary(mounts, scratch);
            return new MountedView(snapshotter, key, lease);
        }
        catch
        {
            await SnapshotCleanup.TryRemoveAsync(snapshotter, key).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The labels a step's result carries: its description and the base image it descends from.</summary>
    public Dictionary<string, string> LineageLabels(VertexJob job, CacheResult? parentResult, string? parent)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(job.Vertex.Metadata.Description))
            labels[SnapshotLabels.Description] = job.Vertex.Metadata.Description;
        var baseManifest = parentResult?.Image?.Digest;
        if (baseManifest is null && parent is not null &&
            SnapshotCleanup.TryStat(snapshotter, parent)?.Labels.TryGetValue(SnapshotLabels.BaseManifest, out var inherited) == true)
            baseManifest = inherited;
        if (baseManifest is not null)
            labels[SnapshotLabels.BaseManifest] = baseManifest;
        return labels;
    }

    public static string NewName(VertexJob job) => "build-" + job.Key.Short + "-" + Guid.NewGuid().ToString("N")[..8];
}
