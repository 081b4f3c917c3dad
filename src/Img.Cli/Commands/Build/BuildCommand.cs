using Img.Cli.CommandLine;
using Img.Cli.Commands.Build.Caching;
using Img.Cli.Commands.Cluster;
using Img.Cli.Commands.Images;
using Img.Cli.Commands.Registry;
using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Git;
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
    internal static readonly FlagSpec Platform = new("platform", null, true, "Set target platform for build", Repeatable: true);
    internal static readonly FlagSpec Network = new("network", null, true, "Set the networking mode for the RUN instructions during build (default \"default\")", ValueName: "string");
    internal static readonly FlagSpec Secret = new("secret", null, true, "Secret to expose to the build (format: \"id=mysecret[,src=/local/secret]\")", Repeatable: true);
    internal static readonly FlagSpec BuildContext = new("build-context", null, true, "Additional build contexts (e.g., name=path)", Repeatable: true);
    internal static readonly FlagSpec Ssh = new("ssh", null, true, "SSH agent socket or keys to expose to the build (format: \"default|<id>[=<socket>|<key>[,<key>]]\")", Repeatable: true);
    internal static readonly FlagSpec ProgressFlag = new("progress", null, true, "Set type of progress output (\"auto\", \"plain\", \"tty\", \"quiet\")", ValueName: "string");
    internal static readonly FlagSpec Output = new("output", 'o', true, "Output destination (format: \"type=local,dest=path\")", Repeatable: true);
    internal static readonly FlagSpec Push = new("push", null, false, "Shorthand for \"--output=type=registry\"");
    internal static readonly FlagSpec Load = new("load", null, false, "Shorthand for \"--output=type=docker\" into the local store (the default)");
    internal static readonly FlagSpec Backend = new("backend", null, true, "Snapshotter backend: auto, overlayfs, native, fuse-overlayfs", ValueName: "string");
    internal static readonly FlagSpec Quiet = new("quiet", 'q', false, "Suppress the build output and print image ID on success");
    internal static readonly FlagSpec ImageIdFile = new("iidfile", null, true, "Write the image ID to a file", ValueName: "string");
    internal static readonly FlagSpec CacheFrom = new("cache-from", null, true, "External cache sources (e.g., \"user/app:cache\", \"type=local,src=path/to/dir\")", Repeatable: true);
    internal static readonly FlagSpec CacheTo = new("cache-to", null, true, "Cache export destinations (e.g., \"user/app:cache\", \"type=local,dest=path/to/dir\")", Repeatable: true);
    internal static readonly FlagSpec KeepGitDir = new("keep-git-dir", null, false, "Keep the .git directory of a git URL build context (as --build-arg BUILDKIT_CONTEXT_KEEP_GIT_DIR=1)");
    internal static readonly FlagSpec AddHost = new("add-host", null, true, "Add a custom host-to-IP mapping (format: \"host:ip\")", Repeatable: true, ValueName: "stringSlice");
    internal static readonly FlagSpec ShmSize = new("shm-size", null, true, "Shared memory size for build containers", ValueName: "bytes");
    internal static readonly FlagSpec UlimitFlag = new("ulimit", null, true, "Ulimit options (default [])", Repeatable: true, ValueName: "ulimit");
    internal static readonly FlagSpec CgroupParent = new("cgroup-parent", null, true, "Set the parent cgroup for the \"RUN\" instructions during build", ValueName: "string");
    internal static readonly FlagSpec Pull = new("pull", null, false, "Always attempt to pull all referenced images");
    internal static readonly FlagSpec Annotation = new("annotation", null, true, "Add annotation to the image", Repeatable: true, ValueName: "stringArray");
    internal static readonly FlagSpec MetadataFile = new("metadata-file", null, true, "Write build result metadata to a file", ValueName: "string");
    internal static readonly FlagSpec Cluster = ClusterFlags.Cluster;

    /// <summary>BuildKit's build argument for keeping a git context's .git directory.</summary>
    internal const string KeepGitDirArg = "BUILDKIT_CONTEXT_KEEP_GIT_DIR";
    internal static readonly FlagSpec ClusterTokenFile = ClusterFlags.TokenFile;

    public string Name => "build";
    public string Usage => "[OPTIONS] PATH | -";
    public string Summary => "Build an image from a Dockerfile";

    /// <summary>As a non-root user, steps run as root of a user namespace (snapshots keep other owners' files).</summary>
    public UserNamespaceUse UserNamespace => UserNamespaceUse.Required;

    public IReadOnlyList<FlagSpec> Flags =>
    [
        Tag, File, BuildArg, BuildContext, Target, NoCache, Label, Platform, Network, Secret, Ssh, ProgressFlag, Output, Push, Load, Backend, Quiet,
        ImageIdFile, RegistryAccess.InsecureRegistry, CacheFrom, CacheTo, KeepGitDir, Cluster, ClusterTokenFile,
        AddHost, ShmSize, UlimitFlag, CgroupParent, Pull, MetadataFile, Annotation,
    ];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        // buildx's wording, with its ERROR: prefix (docker build is buildx build)
        if (args.Positionals.Count != 1)
            throw UsageException.Arguments("ERROR: \"img build\" requires exactly 1 argument.", Name);

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
        var namedContexts = BuildContextSpec.Parse(args.Values(BuildContext.Name));
        var ssh = SshForwardSpec.Parse(args.Values(Ssh.Name));
        var progress = ProgressWriterFactory.Parse(args.Value(ProgressFlag.Name));
        var quiet = args.Bool(Quiet.Name);
        var ulimits = UlimitSpec.Parse(args.Values(UlimitFlag.Name), Name);
        var shmSize = ParseShmSize(args.Value(ShmSize.Name));
        var extraHosts = ExtraHostSpec.Parse(args.Values(AddHost.Name));

        var platforms = ParsePlatforms(args.Values(Platform.Name));
        if (platforms.Count > 1)
            MultiPlatformOutputs.Validate(outputs, cacheFrom, cacheTo, cluster is not null);
        var annotationWarnings = new List<string>();
        var annotations = OutputAnnotations.Resolve(AnnotationSpec.ParseFlags(args.Values(Annotation.Name)), outputs, args.Bool(Push.Name), platforms, annotationWarnings.Add);
        foreach (var warning in annotationWarnings)
            await context.Error.WriteLineAsync("WARNING: " + warning);

        var contextArgument = args.Positionals[0];
        var gitContext = GitUrl.IsGit(contextArgument) ? contextArgument : null;
        var buildArgs = BuildArgs.Parse(args.Values(BuildArg.Name), BuildArg.Name);
        var keepGitDir = args.Bool(KeepGitDir.Name) || (buildArgs.TryGetValue(KeepGitDirArg, out var keep) && keep is "1" or "true");
        if (keepGitDir && gitContext is null)
            throw new UsageException("--keep-git-dir needs a git URL as the build context", Name);
        // A local context is checked before any state is touched; a git one is checked out in the state's temp space.
        var local = gitContext is null
            ? await DockerfileSource.ReadAsync(context, contextArgument, args.Value(File.Name), cancellationToken)
            : default;

        var request = new BuildRequest
        {
            ContextDirectory = local.ContextDirectory,
            DockerfilePath = local.DockerfilePath,
            DockerfileName = gitContext is null ? local.Name : "Dockerfile",
            Dockerfile = gitContext is null ? local.Bytes : [],
            Tags = tags,
            TagNames = tagNames,
            BuildArgs = buildArgs,
            Labels = BuildArgs.Parse(args.Values(Label.Name), Label.Name, fromEnvironment: false),
            Target = args.Value(Target.Name) ?? "",
            NoCache = args.Bool(NoCache.Name),
            Platforms = platforms,
            Platform = platforms.Count == 1 ? platforms[0] : null,
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
            NamedContexts = namedContexts,
            ExtraHosts = extraHosts,
            ShmSize = shmSize,
            Ulimits = ulimits,
            CgroupParent = args.Value(CgroupParent.Name) ?? "",
            Pull = args.Bool(Pull.Name),
            MetadataFile = args.Value(MetadataFile.Name),
            Annotations = annotations,
        };
        if (!request.BuildArgs.ContainsKey(SourceDateEpoch.ArgName))
            request = request with { SourceDateEpoch = EpochFromEnvironment() };
        if (request.Push && tags.Count == 0)
            throw new UserFacingException("tag is needed when pushing to registry");

        return await StateScope.RunAsync(context, async scope =>
        {
            var gc = AutomaticGc.LoadConfig(scope);
            string? checkout = null;
            using var agents = await SshKeyAgent.StartAsync(ssh, context.ResolvePath, Path.Join(scope.TempRoot, "ssh"), cancellationToken);
            int exitCode;
            try
            {
                if (gitContext is not null)
                {
                    checkout = await GitBuildContext.CheckoutAsync(gitContext, keepGitDir, scope.TempRoot, cancellationToken);
                    var read = await GitBuildContext.ReadDockerfileAsync(context, checkout, args.Value(File.Name), cancellationToken);
                    request = request with { ContextDirectory = checkout, DockerfilePath = read.Path, DockerfileName = read.Name, Dockerfile = read.Bytes };
                }
                var secrets = SecretSpec.Parse(args.Values(Secret.Name), Path.Join(scope.TempRoot, "secrets"));
                var display = ProgressWriterFactory.Create(quiet ? ProgressMode.Quiet : progress, context.Error, context.StderrIsTerminal);
                var runner = new BuildRunner(context, scope, request with { Secrets = secrets, SshAgents = agents.Sockets }, display);
                exitCode = await runner.RunAsync(cancellationToken);
            }
            finally
            {
                if (checkout is not null && Directory.Exists(checkout))
                    Directory.Delete(checkout, recursive: true);
            }
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

    /// <summary>docker's <c>MemBytes</c> flag type: go-units <c>RAMInBytes</c> (<c>64m</c>, <c>1g</c>, bytes).</summary>
    private long ParseShmSize(string? value)
    {
        if (value is null)
            return 0;
        return Img.Engine.Frontend.Dockerfile.Instructions.RunMount.RamInBytes(value) is { } bytes and >= 0
            ? bytes
            : throw new UsageException($"invalid argument \"{value}\" for \"--shm-size\" flag: invalid size: '{value}'", Name);
    }

    /// <summary>
    /// buildx: every <c>--platform</c> value is a comma-separated list; the platforms are
    /// normalised and duplicates dropped, first one kept.
    /// </summary>
    private IReadOnlyList<Img.Engine.Oci.Platform> ParsePlatforms(IReadOnlyList<string> values)
    {
        var result = new List<Img.Engine.Oci.Platform>();
        foreach (var item in values.SelectMany(v => v.Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0))
        {
            Img.Engine.Oci.Platform platform;
            try
            {
                platform = PlatformSpec.Parse(item);
            }
            catch (FormatException e)
            {
                throw new UsageException($"invalid argument \"{item}\" for \"--platform\" flag: {e.Message}", Name);
            }
            if (!result.Contains(platform))
                result.Add(platform);
        }
        return result;
    }
}
