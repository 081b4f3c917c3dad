using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages.Client;
using Img.Messages.Nodes.Commands;

namespace Img.Node.Workers;

/// <summary>The node of a single process: inputs are local, the client is this process, nothing is fetched by others.</summary>
public sealed class LocalNodeServices : INodeServices
{
    public static LocalNodeServices Instance { get; } = new();

    public Task<IReadOnlyList<CacheResult>> LocalizeInputsAsync(RunVertex run, CancellationToken cancellationToken) => Task.FromResult(run.Inputs);

    public IBuildSession? SessionFor(RunVertex run) => null;

    public Task<Descriptor> PublishAsync(string snapshotId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a standalone node does not publish results");

    public Task<string> PushAsync(PushImage push, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a standalone node pushes from the local store");

    public (long Blobs, long Snapshots) Usage => (0, 0);

    public string Location => "";
}
