using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Img.Messages.Client;
using Img.Messages.Nodes.Commands;

namespace Img.Node.Workers;

/// <summary>
/// The node of a single process: inputs are local, the client is this process, nothing is fetched
/// by others. Inputs imported from a <c>--cache-from</c> cache are fetched from it
/// (<see cref="ImportedInputs"/>), with this process's registry logins.
/// </summary>
public sealed class LocalNodeServices : INodeServices
{
    private readonly ImportedResultFetcher? _imports;
    private readonly ICacheSourceResolver? _sources;

    /// <summary>Without cache imports (tests).</summary>
    public static LocalNodeServices Instance { get; } = new();

    private LocalNodeServices()
    {
    }

    public LocalNodeServices(ImportedResultFetcher imports, ICacheSourceResolver sources)
    {
        _imports = imports;
        _sources = sources;
    }

    public Task<IReadOnlyList<CacheResult>> LocalizeInputsAsync(RunVertex run, BuildVertex vertex, CancellationToken cancellationToken)
    {
        if (!ImportedInputs.Any(run.Inputs))
            return Task.FromResult(run.Inputs);
        if (_imports is null || _sources is null)
            throw new InputsLostException(run.Inputs.Select((r, i) => (r, i)).Where(p => ImportedInputs.NeedsFetch(p.r)).Select(p => p.i).ToArray(), "this node reads no cache imports");
        return ImportedInputs.LocalizeAsync(run.Inputs, _imports, _sources, "", cancellationToken);
    }

    public IBuildSession? SessionFor(RunVertex run) => null;

    public Task<Descriptor> PublishAsync(string snapshotId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a standalone node does not publish results");

    public Task<string> PushAsync(PushImage push, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a standalone node pushes from the local store");

    public Task<IReadOnlyList<byte[]>> PublishCacheAsync(PublishCache request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a standalone build exports its cache from the local store");

    public (long Blobs, long Snapshots) Usage => (0, 0);

    public string Location => "";
}
