using System.Collections.Concurrent;
using Img.Engine.Registry.Progress;

namespace Img.Engine.Tests.Registry;

/// <summary>Every <see cref="TransferEvent"/> reported, in arrival order (blobs report from several threads).</summary>
internal sealed class RecordingProgress : IProgress<TransferEvent>
{
    private readonly ConcurrentQueue<TransferEvent> _events = new();

    public IReadOnlyList<TransferEvent> Events => _events.ToArray();

    public void Report(TransferEvent value) => _events.Enqueue(value);

    public IReadOnlyList<BlobTransferred> Blobs(BlobTransferState state) =>
        Events.OfType<BlobTransferred>().Where(b => b.State == state).ToList();
}
