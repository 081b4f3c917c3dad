using Img.Engine.Oci;
using Img.Engine.References;

namespace Img.Cli.Commands.Build;

/// <summary>Everything <c>img build</c> was asked to do, validated.</summary>
public sealed record BuildRequest
{
    /// <summary>The build context directory; null for <c>img build -</c> (no context).</summary>
    public string? ContextDirectory { get; init; }
    /// <summary>The Dockerfile's path on the host; null when it came from stdin.</summary>
    public string? DockerfilePath { get; init; }
    /// <summary>The name errors show (<c>Dockerfile</c>, <c>app.Dockerfile</c>).</summary>
    public required string DockerfileName { get; init; }
    public required byte[] Dockerfile { get; init; }
    public IReadOnlyList<ImageReference> Tags { get; init; } = [];
    /// <summary>
    /// <see cref="Tags"/> as written, normalised but without an implied <c>:latest</c>
    /// (<c>docker.io/library/app</c>), in the same order: the names progress shows.
    /// </summary>
    public IReadOnlyList<string> TagNames { get; init; } = [];
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public string Target { get; init; } = "";
    public bool NoCache { get; init; }
    /// <summary><c>--platform</c> with one platform: that platform's image, as today (one manifest).</summary>
    public Platform? Platform { get; init; }
    /// <summary>
    /// <c>--platform</c> with several (<c>linux/amd64,linux/arm64</c>): distinct, in the order given;
    /// the build produces an index. Empty otherwise.
    /// </summary>
    public IReadOnlyList<Platform> Platforms { get; init; } = [];
    /// <summary>Whether the build makes an image index (several platforms).</summary>
    public bool MultiPlatform => Platforms.Count > 1;
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();
    /// <summary><c>--ssh</c>: id to the agent socket forwarded to steps that mount it.</summary>
    public IReadOnlyDictionary<string, string> SshAgents { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<OutputSpec> Outputs { get; init; } = [];
    public bool Push { get; init; }
    public string Backend { get; init; } = "auto";
    public bool Quiet { get; init; }
    public string? ImageIdFile { get; init; }
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    /// <summary><c>--network</c>: the network of RUN steps that do not say (default, host, none).</summary>
    public string NetworkMode { get; init; } = "default";
    /// <summary>Layer compression from the outputs' attributes; null = gzip at its default level.</summary>
    public Img.Engine.Diff.LayerCompressionOptions? LayerCompression { get; init; }
    /// <summary>The client's <c>SOURCE_DATE_EPOCH</c> environment variable (a build arg of that name wins).</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }
    /// <summary><c>--cache-from</c>: caches whose records answer local misses.</summary>
    public IReadOnlyList<Caching.CacheSpec> CacheFrom { get; init; } = [];
    /// <summary><c>--cache-to</c>: where the build's cache is written.</summary>
    public IReadOnlyList<Caching.CacheSpec> CacheTo { get; init; } = [];
    /// <summary><c>--build-context</c>: normalised name to value as written (<see cref="BuildContextSpec"/>).</summary>
    public IReadOnlyDictionary<string, string> NamedContexts { get; init; } = new Dictionary<string, string>();
    /// <summary><c>--add-host</c>: extra <c>/etc/hosts</c> lines of every RUN.</summary>
    public IReadOnlyList<Img.Engine.Graph.ExtraHost> ExtraHosts { get; init; } = [];
    /// <summary><c>--shm-size</c> of every RUN in bytes; 0 = 64 MiB.</summary>
    public long ShmSize { get; init; }
    /// <summary><c>--ulimit</c> of every RUN.</summary>
    public IReadOnlyList<Img.Engine.Graph.Ulimit> Ulimits { get; init; } = [];
    /// <summary><c>--cgroup-parent</c> of every RUN; "" = none.</summary>
    public string CgroupParent { get; init; } = "";
    /// <summary><c>--pull</c>: resolve every base image tag at its registry, never from the local store.</summary>
    public bool Pull { get; init; }
    /// <summary><c>--annotation</c> and the outputs' <c>annotation.*</c> attributes, checked (<see cref="OutputAnnotations"/>).</summary>
    public Img.Engine.Worker.Export.Annotations.AnnotationSet Annotations { get; init; } = Img.Engine.Worker.Export.Annotations.AnnotationSet.Empty;
    /// <summary><c>--metadata-file</c>: where buildx's build result metadata (JSON) is written.</summary>
    public string? MetadataFile { get; init; }
    /// <summary><c>--cluster</c> / <c>IMG_CLUSTER</c>: build on a cluster instead of in this process.</summary>
    public ClusterTarget? Cluster { get; init; }
}
