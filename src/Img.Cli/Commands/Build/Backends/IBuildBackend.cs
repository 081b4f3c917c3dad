using Img.Cli.Progress;
using Img.Engine.Context;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Img.Engine.Solver;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>
/// Where <c>img build</c> solves its graph: this process (<see cref="StandaloneBuildBackend"/>, the
/// default) or a cluster's coordinator (<see cref="ClusterBuildBackend"/>, <c>--cluster</c>). The
/// Dockerfile is converted here either way; the backend serves the context, runs the graph and
/// delivers the image where the outputs say.
/// </summary>
internal interface IBuildBackend : IAsyncDisposable
{
    /// <summary>Base image configurations for the conversion.</summary>
    IImageConfigResolver ImageConfigs { get; }

    /// <summary>Makes <paramref name="context"/> the local source <paramref name="name"/> of the build.</summary>
    void ServeContext(string name, BuildContext context);

    /// <summary>Runs the graph; progress goes to <paramref name="onProgress"/>; returns the outcome.</summary>
    Task<IBuildEvent> BuildAsync(StartBuild start, BuildGraph graph, Action<IBuildEvent> onProgress, CancellationToken cancellationToken);

    /// <summary>Delivers the built image (the export vertex's result) as the request's outputs say.</summary>
    Task DeliverAsync(BuildOutputs outputs, BuildRequest request, CacheResult target, IProgressStep exporter, CancellationToken cancellationToken);

    /// <summary>
    /// The lineage of each result (its layers as blobs, step layers written with <paramref name="layers"/>), for a
    /// cache export, in the order given. With <paramref name="push"/>, the blobs are pushed to that repository from
    /// where they are (cluster nodes); else they become readable through <see cref="OpenBlobAsync"/>.
    /// </summary>
    Task<IReadOnlyList<ResultManifest>> PublishResultsAsync(IReadOnlyList<CacheResult> results, ImageExportOptions layers, CachePushTarget? push, CancellationToken cancellationToken);

    /// <summary>Opens a blob of a result located at <paramref name="location"/> (bringing it here first when it is elsewhere).</summary>
    Task<Stream> OpenBlobAsync(Descriptor blob, string location, CancellationToken cancellationToken);
}
