using Img.Cli.CommandLine;
using Img.Cli.Commands.Build.Caching;
using Img.Cli.Commands.Cluster;
using Img.Cli.Commands.Images;
using Img.Cli.Commands.Registry;
using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Platforms;
using Img.Engine.References;
using Img.Engine.Snapshots;

namespace Img.Cli.Commands.Build;

/// <summary><c>img build</c>: docker build's flags; the work is in <see cref="BuildRunner"/>.</summary>
public sealed class BuildCommand : ICommand
{
    internal static readonly FlagSpec Tag = new("tag", 't', true, "Name and optionally a tag (format: \"name:tag\")", Repeatable: true);
    internal static readonly FlagSpec File = new("file", 'f', true, "Name of the Dockerfile (default: \"PATH/Dockerfile\")", ValueName: "string");
    internal static readonly FlagSpec BuildArg = new("build-arg", null, true, "Set build-time variables", Repeatable: true);
    internal static readonly FlagSpec Target = new("target", null, true, "Set the target build stage to build", ValueName: "string");
    internal static readonly FlagSpec NoCache = new("no-cache", null, false, "Do not use cache when building the image");
    internal static readonly FlagSpec Label = new("label", null, true, "Set metadata for an image", Repeatable: true);
    internal static readonly FlagSpec Platform = new("platform", null, true, "Set target platform for build", ValueName: "string");
    internal static readonly FlagSpec Network = new("network", null, true, "Set the networking mode for the RUN instructions during build (default \"default\")", ValueName: "string");
    internal static readonly FlagSpec Secret = new("secret", null, true, "Secret to expose to the build (format: \"id=mysecret[,src=/local/secret]\")", Repeatable: true);
    internal static readonly FlagSpec ProgressFlag = new("progress", null, true, "Set type of progress output (\"auto\", \"plain\", \"tty\", \"quiet\")", ValueName: "string");
    internal static readonly FlagSpec Output = new("output", 'o', true, "Output destination (format: \"type=local,dest=path\")", Repeatable: true);
    internal static readonly FlagSpec Push = new("push", null, false, "Shorthand for \"--output=type=registry\"");
    internal static readonly FlagSpec Load = new("load", null, false, "Shorthand for \"--output=type=docker\" into the local store (the default)");
    internal static readonly FlagSpec Backend = new("backend", null, true, "Snapshotter backend: auto, overlayfs, native, fuse-overlayfs", ValueName: "string");
    internal static readonly FlagSpec Quiet = new("quiet", 'q', false, "Suppress the build output and print image ID on success");
    internal static readonly FlagSpec ImageIdFile = new("iidfile", null, true, "Write the image ID to a file", ValueName: "string");
    internal static readonly FlagSpec CacheFrom = new("cache-from", null, true, "External cache sources (e.g., \"user/app:cache\", \"type=local,src=path/to/dir\")", Repeatable: true);
    internal static readonly FlagSpec CacheTo = new("cache-to", null, true, "Cache export destinations (e.g., \"user/app:cache\", \"type=local,dest=path/to/dir\")", Repeatable: true);
    internal static readonly FlagSpec Cluster = ClusterFlags.Cluster;
    internal static readonly FlagSpec ClusterTokenFile = ClusterFlags.TokenFile;

    public string Name => "build";
    public string Usage => "[OPTIONS] PATH | -";
    public string Summary => "Build an image from a Dockerfile";

    /// <summary>As a non-root user, steps run as root of a user namespace (snapshots keep other owners' files).</summary>
    public UserNamespaceUse UserNamespace => UserNamespaceUse.Required;

    public IReadOnlyList<FlagSpec> Flags =>
    [
        Tag, File, BuildArg, Target, NoCache, Label, Platform, Network, Secret, ProgressFlag, Output, Push, Load, Backend, Quiet,
        ImageIdFile, RegistryAccess.InsecureRegistry, CacheFrom, CacheTo, Cluster, ClusterTokenFile,
    ];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count != 1)
            throw new UsageException("\"img build\" requires exactly 1 argument.", Name, 1);

        var tags = args.Values(Tag.Name).Select(ParseTag).ToList();
        var tagNames = args.Values(Tag.Name).Select(t => ImageReference.ParseNormalized(t).ToString()).ToList();
        var cluster = ClusterFlags.Target(context, args, Name);
        if (cluster is not null && args.Value(Backend.Name) is not null)
            throw new UsageException("--backend has no effect with --cluster: each node uses its own snapshotter", Name);
        var backend = args.Value(Backend.Name) ?? "auto";
        if (!SnapshotterFactory.Names.Contains(backend))
            throw new UsageException($"invalid argument \"{backend}\" for \"--backend\" flag: must be one of {string.Join(", ", SnapshotterFactory.Names)}", Name);
        var network = args.Value(Network.Name) ?? "default";
        if (network is not ("default" or "host" or "none"))
            throw new UsageException($"invalid argument \"{network}\" for \"--network\" flag: must be default, host or none", Name);
        var outputs = args.Values(Output.Name).Select(OutputSpec.Parse).ToList();
        var cacheFrom = args.Values(CacheFrom.Name).Select(CacheSpec.ParseImport).ToList();
        var cacheTo = args.Values(CacheTo.Name).Select(CacheSpec.ParseExport).ToList();
        var progress = ProgressWriterFactory.Parse(args.Value(ProgressFlag.Name));
        var quiet = args.Bool(Quiet.Name);

        var (contextDir, dockerfilePath, dockerfileName, dockerfile) =
            await DockerfileSource.ReadAsync(context, args.Positionals[0], args.Value(File.Name), cancellationToken);

        var request = new BuildRequest
        {
            ContextDirectory = contextDir,
            DockerfilePath = dockerfilePath,
            DockerfileName = dockerfileName,
            Dockerfile = dockerfile,
            Tags = tags,
            TagNames = tagNames,
            BuildArgs = BuildArgs.Parse(args.Values(BuildArg.Name), BuildArg.Name),
            Labels = BuildArgs.Parse(args.Values(Label.Name), Label.Name, fromEnvironment: false),
            Target = args.Value(Target.Name) ?? "",
            NoCache = args.Bool(NoCache.Name),
            Platform = ParsePlatform(args.Value(Platform.Name)),
            Outputs = outputs,
            LayerCompression = OutputCompression.Resolve(outputs),
            Push = args.Bool(Push.Name),
            Backend = backend,
            Quiet = quiet,
            ImageIdFile = args.Value(ImageIdFile.Name),
            InsecureRegistries = args.Values(RegistryAccess.InsecureRegistry.Name),
            NetworkMode = network,
            Cluster = cluster,
            CacheFrom = cacheFrom,
            CacheTo = cacheTo,
        };
        if (!request.BuildArgs.ContainsKey(SourceDateEpoch.ArgName))
            request = request with { SourceDateEpoch = EpochFromEnvironment() };
        if (request.Push && tags.Count == 0)
            throw new UserFacingException("tag is needed when pushing to registry");

        return await StateScope.RunAsync(context, async scope =>
        {
            var gc = AutomaticGc.LoadConfig(scope);
            var secrets = SecretSpec.Parse(args.Values(Secret.Name), Path.Join(scope.TempRoot, "secrets"));
            var display = ProgressWriterFactory.Create(quiet ? ProgressMode.Quiet : progress, context.Error, context.StderrIsTerminal);
            var runner = new BuildRunner(context, scope, request with { Secrets = secrets }, display);
            var exitCode = await runner.RunAsync(cancellationToken);
            // after the result is out, as buildkitd after each build; a cluster's cache is the cluster's
            if (request.Cluster is null)
                await AutomaticGc.RunAsync(scope, gc, context, cancellationToken);
            return exitCode;
        }, cancellationToken);
    }

    /// <summary>buildx passes the client's <c>SOURCE_DATE_EPOCH</c> along when no build arg sets it.</summary>
    private static DateTimeOffset? EpochFromEnvironment()
    {
        try
        {
            return SourceDateEpoch.Parse(Environment.GetEnvironmentVariable(SourceDateEpoch.ArgName));
        }
        catch (FormatException e)
        {
            throw new UserFacingException(e.Message);
        }
    }

    private ImageReference ParseTag(string text)
    {
        try
        {
            return ImageReference.Parse(text);
        }
        catch (InvalidReferenceException e)
        {
            throw new UsageException($"invalid argument \"{text}\" for \"-t, --tag\" flag: {e.Message}", Name);
        }
    }

    private Img.Engine.Oci.Platform? ParsePlatform(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        try
        {
            return PlatformSpec.Parse(value);
        }
        catch (FormatException e)
        {
            throw new UsageException($"invalid argument \"{value}\" for \"--platform\" flag: {e.Message}", Name);
        }
    }
}
