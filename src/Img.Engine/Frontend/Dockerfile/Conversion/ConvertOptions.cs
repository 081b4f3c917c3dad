using Img.Engine.Graph;
using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>What <see cref="DockerfileConverter.ConvertAsync"/> needs besides the Dockerfile text.</summary>
public sealed record ConvertOptions
{
    /// <summary><c>--target</c>: the stage to build; "" = the last stage.</summary>
    public string Target { get; init; } = "";
    /// <summary><c>--build-arg</c> values.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();
    /// <summary><c>--label</c> values, added to the final image's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary><c>--platform</c>; null = the build platform (and the base image's platform is kept).</summary>
    public Platform? TargetPlatform { get; init; }
    /// <summary>
    /// One of several platforms of a multi-platform build (BuildKit's <c>MultiPlatformRequested</c>):
    /// progress names start with the stage's platform (<c>[linux/arm64 build 1/3] RUN make</c>).
    /// </summary>
    public bool MultiPlatform { get; init; }
    /// <summary>The platform the build runs on; null = this host (linux/amd64 or linux/arm64...).</summary>
    public Platform? BuildPlatform { get; init; }
    /// <summary>The Dockerfile's name as given by the user, for error messages.</summary>
    public string DockerfileName { get; init; } = "Dockerfile";
    /// <summary>The name of the local build context source.</summary>
    public string ContextName { get; init; } = "context";
    /// <summary>.dockerignore patterns, excluded from the context source.</summary>
    public IReadOnlyList<string> ContextExcludePatterns { get; init; } = [];
    /// <summary>Base image config lookups; null = every image starts from an empty config.</summary>
    public IImageConfigResolver? ImageResolver { get; init; }
    /// <summary>Git ref lookups: each git source is pinned to its commit; null = left unpinned (fetched as its ref names at run time).</summary>
    public IGitCommitResolver? GitResolver { get; init; }
    /// <summary>
    /// <c>--network</c> of the build: the network of every RUN that does not choose one
    /// (no <c>RUN --network</c>, or <c>--network=default</c>), as BuildKit's forced network mode.
    /// </summary>
    public NetworkMode Network { get; init; } = NetworkMode.Default;
    /// <summary><c>--add-host</c>: every RUN's extra <c>/etc/hosts</c> lines (BuildKit sets them on each exec op).</summary>
    public IReadOnlyList<ExtraHost> ExtraHosts { get; init; } = [];
    /// <summary><c>--shm-size</c> in bytes for every RUN; 0 = the default.</summary>
    public long ShmSize { get; init; }
    /// <summary><c>--ulimit</c> for every RUN.</summary>
    public IReadOnlyList<Ulimit> Ulimits { get; init; } = [];
    /// <summary><c>--cgroup-parent</c> for every RUN; "" = none.</summary>
    public string CgroupParent { get; init; } = "";
    /// <summary>
    /// <c>SOURCE_DATE_EPOCH</c> from the client's environment; a <c>SOURCE_DATE_EPOCH</c> build arg
    /// wins. Sets WORKDIR's created directories' times and the export's clamping (config and
    /// history <c>created</c>, layer entry times).
    /// </summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }
    /// <summary>
    /// Layer compression the outputs ask for (<c>-o type=image,compression=zstd</c>), carried by
    /// the export vertex; null = the default (gzip).
    /// </summary>
    public Img.Engine.Diff.LayerCompressionOptions? LayerCompression { get; init; }
    /// <summary>
    /// <c>--build-context</c> values by <see cref="NamedContextName.Normalize"/>d name: each replaces
    /// the stage or image of that name (<c>FROM</c>, <c>COPY --from</c>, <c>RUN --mount=from</c>).
    /// </summary>
    public IReadOnlyDictionary<string, NamedContext> NamedContexts { get; init; } = new Dictionary<string, NamedContext>();
    /// <summary><c>--no-cache</c>: marks every vertex IgnoreCache (metadata only, not in digests).</summary>
    public bool NoCache { get; init; }
}
