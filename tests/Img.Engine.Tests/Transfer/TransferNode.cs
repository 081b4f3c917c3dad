using Img.Engine.Content.Local;
using Img.Engine.Snapshots;
using Img.Engine.State;
using Img.Engine.Tests.Snapshots;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;

namespace Img.Engine.Tests.Transfer;

/// <summary>
/// A consumer node's engine side in a fresh state directory: a snapshotter, an empty content store
/// (no base image), layer records, a <see cref="ResultFetcher"/> and an <see cref="ImageExporter"/>.
/// </summary>
internal sealed class TransferNode : IDisposable
{
    public TransferNode(string snapshotter = "overlayfs")
    {
        Requirements.Root();
        Backend = snapshotter;
        Dir = new TestDirectory("img-xfer");
        State = new StateDirectory(Dir.Sub("state")).EnsureCreated();
        Content = LocalContentStore.Open(State);
        Open();
    }

    public string Backend { get; }
    public TestDirectory Dir { get; }
    public StateDirectory State { get; }
    public LocalContentStore Content { get; }
    public ISnapshotter Snapshotter { get; private set; } = null!;
    public LayerBlobCache Layers { get; private set; } = null!;
    public ResultFetcher Fetcher { get; private set; } = null!;
    public ImageExporter Exporter { get; private set; } = null!;
    public string Scratch => Path.Join(State.TempRoot, "transfer");

    /// <summary>What a new process on the same state directory has (the snapshotter recovers on open).</summary>
    public void Reopen()
    {
        Snapshotter.Dispose();
        Open();
    }

    private void Open()
    {
        Snapshotter = SnapshotterFactory.Create(Backend, State.SnapshotsRoot).Snapshotter;
        Layers = new LayerBlobCache(Snapshotter, Content, Path.Join(State.CacheRoot, "layers"));
        Fetcher = new ResultFetcher(Snapshotter, Content, Layers, Scratch);
        Exporter = new ImageExporter(Snapshotter, Content, Layers);
    }

    /// <summary>Every file under the state directory except the snapshots' data and the content store's blobs and ingests.</summary>
    public IReadOnlyList<string> IngestLeftovers() => Directory.GetFiles(Content.IngestDirectory);

    public void Dispose()
    {
        Snapshotter.Dispose();
        Dir.Dispose();
    }
}
