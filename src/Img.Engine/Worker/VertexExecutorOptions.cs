using Img.Engine.Operations.Files;
using Img.Engine.Content;
using Img.Engine.Execution;
using Img.Engine.Images;
using Img.Engine.Registry;
using Img.Engine.Snapshots;
using Img.Engine.State;
using Img.Engine.Worker.Export;
using Img.Engine.Worker.Files;
using Img.Engine.Worker.Sources;

namespace Img.Engine.Worker;

/// <summary>What a <see cref="VertexExecutor"/> works with: the node's stores, snapshotter and runtime.</summary>
public sealed record VertexExecutorOptions
{
    /// <summary>The state directory (cache mounts under <c>cache/mounts</c>, layer records under <c>cache/layers</c>, temp mounts under <c>tmp</c>).</summary>
    public required StateDirectory State { get; init; }

    public required ISnapshotter Snapshotter { get; init; }

    public required IContentStore Content { get; init; }

    public required IImageStore Images { get; init; }

    /// <summary>The container runtime RUN steps run in (<c>RuncRuntime</c>).</summary>
    public required IContainerRuntime Runtime { get; init; }

    /// <summary>Where base images are pulled from when they are not in the image store; null = offline.</summary>
    public RegistryClients? Registries { get; init; }

    /// <summary>The local contexts this process serves (the CLI registers the build context).</summary>
    public LocalSources LocalSources { get; init; } = new();

    /// <summary><c>--secret id=ID,src=PATH</c>: secret id to host file.</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>Applies COPY/ADD/WORKDIR file ops.</summary>
    public FileOpRunnerOptions FileOps { get; init; } = new();

    /// <summary>The client ADD &lt;url&gt; downloads with.</summary>
    public HttpClient Http { get; init; } = SharedHttp.Client;

    /// <summary>Layer compression, SOURCE_DATE_EPOCH, media types of the exported image.</summary>
    public ImageExportOptions Export { get; init; } = new();
}
