using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Messages.Client;
using Img.Messages.Nodes.Commands;

namespace Img.Node.Workers;

/// <summary>
/// What a node worker needs beyond the vertex executor to work in a cluster: inputs made local
/// (fetched from the nodes that hold them), the build's session (its client's contexts and
/// secrets, through the coordinator), its own results made fetchable by others, and how much it
/// stores. <see cref="LocalNodeServices"/> is the one-process answer: everything is here already.
/// </summary>
public interface INodeServices
{
    /// <summary>
    /// The job's inputs as this node can read them: results held elsewhere are fetched and
    /// replaced by equivalent local ones.
    /// </summary>
    /// <exception cref="InputsLostException">Some inputs could be fetched from no holder.</exception>
    Task<IReadOnlyList<CacheResult>> LocalizeInputsAsync(RunVertex run, BuildVertex vertex, CancellationToken cancellationToken);

    /// <summary>The session a job of <paramref name="run"/> reads its client's files and secrets through; null: the executor's own.</summary>
    IBuildSession? SessionFor(RunVertex run);

    /// <summary>Makes a snapshot of this node fetchable (layer blobs + result manifest) and returns the manifest.</summary>
    Task<Descriptor> PublishAsync(string snapshotId, CancellationToken cancellationToken);

    /// <summary>Pushes an image this node holds straight to its registry, with the client's logins.</summary>
    Task<string> PushAsync(PushImage push, CancellationToken cancellationToken);

    /// <summary>
    /// A cache export's part on this node: the lineage (result manifest bytes) of each snapshot, step
    /// layers in the compression asked; with a registry, every blob pushed there from here.
    /// </summary>
    Task<IReadOnlyList<byte[]>> PublishCacheAsync(PublishCache request, CancellationToken cancellationToken);

    /// <summary>Bytes in the content store and in snapshots, as last measured.</summary>
    (long Blobs, long Snapshots) Usage { get; }

    /// <summary>What a result of this node is located as ("" in one process).</summary>
    string Location { get; }
}
