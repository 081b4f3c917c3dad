using Img.Engine.Mounts;
using Img.Engine.Snapshots;

namespace Img.Engine.Worker;

/// <summary>An active snapshot of a running step.</summary>
internal sealed class ActiveStep(StepSnapshots owner, string key, string? parent, IReadOnlyList<Mount> mounts) : IAsyncDisposable
{
    private MountLease? _lease;
    private bool _done;

    public string Key { get; } = key;
    public string? Parent { get; } = parent;
    public IReadOnlyList<Mount> Mounts { get; } = mounts;

    /// <summary>Mounts the snapshot at a temporary directory (until <see cref="Unmount"/> or commit).</summary>
    public string Mount()
    {
        if (_lease is null)
        {
            Directory.CreateDirectory(owner.Scratch);
            _lease = Mounter.MountTemporary(Mounts, owner.Scratch);
        }
        return _lease.Directory;
    }

    public void Unmount()
    {
        _lease?.Dispose();
        _lease = null;
    }

    public async Task<string> CommitAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        Unmount();
        await owner.Snapshotter.CommitAsync(name, Key, labels, ct).ConfigureAwait(false);
        _done = true;
        return name;
    }

    /// <summary>Throws the changes away unless committed.</summary>
    public async ValueTask DisposeAsync()
    {
        Unmount();
        if (!_done)
        {
            _done = true;
            await SnapshotCleanup.TryRemoveAsync(owner.Snapshotter, Key).ConfigureAwait(false);
        }
    }
}
