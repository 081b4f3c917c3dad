using System.Text;
using Img.Cli.Commands.Registry;
using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Cli.Commands.Build.Backends;
using Img.Cli.Commands.Build.Caching;
using Img.Engine.Context;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.Worker.Sources;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Builds.Events;
using Img.Messages.Graphs;

namespace Img.Cli.Commands.Build;

/// <summary>
/// One <c>img build</c>: converts the Dockerfile, serves the context, submits the graph to the
/// backend (this process, or a cluster), follows its progress, and delivers the result.
/// </summary>
public sealed class BuildRunner(CommandContext context, StateScope scope, BuildRequest request, IProgressWriter display)
{
    private const string ContextName = "context";
    private const string DockerignoreStep = "[internal] load .dockerignore";

    private readonly StartupTrace _trace = new(context.Error, context.Debug);

    /// <exception cref="UserFacingException">The build failed, or was cancelled (exit code 130, as buildx).</exception>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        try
        {
            // The engine is disposed before this returns or throws: whatever the build left
            // running (runc containers, mounts) is stopped and undone by then.
            return await RunCoreAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new UserFacingException(SolveErrors.Cancelled, SolveErrors.CancelledExitCode);
        }
    }

    private async Task<int> RunCoreAsync(CancellationToken ct)
    {
        _trace.Mark("state directory locked");
        using var registries = new RegistryClients(new RegistryClientOptions
        {
            InsecureRegistries = request.InsecureRegistries,
            Credentials = RegistryAccess.Credentials(context),
        });
        await using var backend = await StartBackendAsync(registries, ct);
        _trace.Mark("backend started");

        DirectoryInfo? emptyContext = null;
        var opened = new List<BuildContext>();
        try
        {
            var contextDir = request.ContextDirectory ?? (emptyContext = Directory.CreateDirectory(Path.Join(scope.TempRoot, "context-" + Guid.NewGuid().ToString("N")))).FullName;
            // BuildKit's first steps: the Dockerfile (read already), the base images' metadata
            // (one step per image, during conversion), then .dockerignore.
            var text = Encoding.UTF8.GetString(request.Dockerfile);
            await display.StepAsync($"[internal] load build definition from {request.DockerfileName}", step =>
            {
                step.Status("transferring dockerfile: " + DecimalBytes.Format(request.Dockerfile.Length));
                return Task.CompletedTask;
            });
            using var buildContext = OpenContext(contextDir);
            backend.ServeContext(ContextName, buildContext);
            var named = await new NamedContextLoader(context, scope.Content, backend, request.Cluster is not null)
                .LoadAsync(request.NamedContexts, dir => OpenNamedContext(dir, opened), request.Platform ?? PlatformSpec.Default(), ct);
            var conversion = await ConvertAsync(text, buildContext, backend.ImageConfigs, named, ct);
            ShowDockerignoreStep(buildContext);

            _trace.Mark("Dockerfile converted");
            var warnings = new List<string>();
            var imported = request.CacheFrom.Count == 0 || request.NoCache
                ? []
                : await new CacheImportStep(context, registries, display, request.Cluster is not null).ImportAsync(request.CacheFrom,
                    request.MultiPlatform ? request.Platforms : [request.Platform ?? PlatformSpec.Default()], warnings, ct);
            var start = new StartBuild(BuildId.New(), BuildGraphCodec.Encode(conversion.Graph), ContextName)
            {
                CacheImports = imported.Select(c => new CacheImportSource(c.Source, c.Blob, c.Description.ToBytes())).ToArray(),
                CacheExport = request.CacheTo.Count == 0 ? CacheExportMode.None : request.CacheTo.Max(c => c.Mode),
                InsecureRegistries = request.InsecureRegistries,
                SshAgents = request.SshAgents.Count == 0 ? null : [.. request.SshAgents.Keys],
            };
            if (request.Cluster is not null && request.CacheFrom.Count > 0)
                start = start with { CacheLogins = await RegistryLogins.ForAsync(request.CacheFrom.Where(c => c.Reference is not null).Select(c => c.Reference!.Registry).Distinct(StringComparer.Ordinal), RegistryAccess.Credentials(context), ct) };
            // Counted when the context step ends: the cache keys have scanned the tree by then.
            var relay = new BuildEventRelay(display, conversion.Graph, ContextName,
                () => SizeOrZero(ContextTransferSize.ComputeAsync(buildContext, conversion.ContextPaths, ct)));
            var logs = new VertexLogTail();
            var outcome = await backend.BuildAsync(start, conversion.Graph, e =>
            {
                if (e is BuildWarning warning)
                {
                    warnings.Add(warning.Message);
                    return;
                }
                logs.Observe(e);
                relay.Relay(e);
            }, ct);

            if (outcome is BuildFailed failed)
            {
                if (ct.IsCancellationRequested)
                    throw new OperationCanceledException(ct);
                // As in BuildKit, one failure cancels the steps still running (other stages).
                display.Cancel();
                display.Complete();
                await WarnAsync(warnings);
                await ReportFailureAsync(failed, conversion.Graph, logs, text);
                return 1;
            }

            _trace.Mark("graph solved");
            var completed = (BuildCompleted)outcome;
            var target = completed.Target;
            var manifest = target.Image
                ?? throw new UserFacingException("the build produced no image");
            var records = completed.CacheRecords ?? [];
            var sources = new CacheSources(registries);
            var imports = new CacheImports(imported);
            var blobs = new ExportBlobs(scope.Content, backend, imported, sources, target.Location);
            if (request.CacheTo.FirstOrDefault(c => c.Type == CacheSpecType.Inline) is { } inline)
            {
                try
                {
                    manifest = await new InlineCacheEmbedder(backend, scope.Content, imports).EmbedAsync(manifest, records, blobs, ct);
                    target = target with { Image = manifest };
                    relay.ExportStep.Status("preparing layers for inline cache");
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not (OperationCanceledException or UserFacingException))
                {
                    if (!inline.IgnoreError)
                        throw new UserFacingException(SolveErrors.Failed("exporting cache to inline: " + e.Message), 1, e);
                    warnings.Add($"exporting cache to inline: {e.Message} (ignored: ignore-error=true)");
                }
            }
            if (!request.Annotations.IsEmpty)
                target = await AnnotatedImage.ApplyAsync(target, request.Annotations, blobs, scope.Content, ct);
            manifest = target.Image!;
            var outputs = new BuildOutputs(context, scope, display, registries);
            if (imported.Count > 0 && target.Imported is null && MediaTypes.IsIndex(manifest.MediaType))
                await ImportedIndexContent.EnsureAsync(scope.Content, manifest, blobs, relay.ExportStep, ct);
            if (target.Imported is not null)
                await ImportedImageDelivery.DeliverAsync(outputs, request, target, relay.ExportStep, scope.Content, registries, sources, ct);
            else
                await backend.DeliverAsync(outputs, request, target, relay.ExportStep, ct);
            _trace.Mark("outputs delivered");
            var exporter = new CacheExporter(context, registries, display, new CacheRecordsDescriber(backend, imports, blobs), blobs, request.InsecureRegistries);
            var cacheFailure = await exporter.ExportAsync(request.CacheTo, records, warnings, ct);
            display.Complete();
            await WarnAsync(warnings);
            if (cacheFailure is not null)
                throw new UserFacingException(SolveErrors.Failed(cacheFailure));

            // buildx: the config digest names a one-platform image, the index digest a multi-platform one
            var image = request.MultiPlatform
                ? null
                : await Img.Engine.Images.ImageResolver.ResolveAsync(scope.Content,
                    new Img.Engine.Images.Image { Name = "<build>", Target = manifest }, null, ct);
            var id = image?.Id.ToString() ?? manifest.Digest;
            if (request.ImageIdFile is { } idFile)
                await File.WriteAllTextAsync(context.ResolvePath(idFile), id, ct);
            if (request.MetadataFile is { } metadataFile)
                await File.WriteAllTextAsync(context.ResolvePath(metadataFile),
                    image is null ? BuildMetadataFile.FormatIndex(request, manifest) : BuildMetadataFile.Format(request, image), ct);
            if (request.Quiet)
                await context.Out.WriteLineAsync(id);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            display.Cancel();
            display.Complete();
            throw;
        }
        finally
        {
            foreach (var named in opened)
                named.Dispose();
            emptyContext?.Delete(recursive: true);
        }
    }

    /// <summary>What did not fail the build but should be known (unusable caches), after the progress, as buildx prints its warnings.</summary>
    private async Task WarnAsync(IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
            await context.Error.WriteLineAsync("WARNING: " + warning);
    }

    /// <summary>This process, or the cluster of <c>--cluster</c> / <c>IMG_CLUSTER</c>.</summary>
    private async Task<IBuildBackend> StartBackendAsync(RegistryClients registries, CancellationToken ct)
    {
        if (request.Cluster is { } cluster)
        {
            return ClusterBuildBackend.Connect(scope, RegistryAccess.Credentials(context), request.InsecureRegistries, request.Secrets, request.SshAgents,
                cluster.Addresses, cluster.Options, context.Error, _trace, ct, request.Pull);
        }
        var engine = StandaloneEngine.Start(scope, request.Backend, registries, request.Secrets, context.Debug, ct, request.SshAgents);
        if (context.Debug)
            await context.Error.WriteLineAsync($"DEBUG: snapshotter {engine.Snapshotter.Name}: {engine.Snapshotter.Reason}");
        return new StandaloneBuildBackend(engine, scope.Content, _trace, lazyBaseImages: request.CacheFrom.Count > 0 && !request.NoCache, pull: request.Pull);
    }

    /// <summary>Reads .dockerignore; a bad pattern fails the step that shows it.</summary>
    private BuildContext OpenContext(string contextDir)
    {
        try
        {
            return BuildContext.Open(contextDir, request.DockerfilePath, scope.State);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            display.Begin(DockerignoreStep).Fail(e.Message);
            display.Complete();
            throw;
        }
    }

    /// <summary>
    /// Newer BuildKit reads .dockerignore once the base images are resolved, so the step comes
    /// after theirs. With no ignore file it still transfers an empty one: 2 bytes.
    /// </summary>
    private void ShowDockerignoreStep(BuildContext buildContext)
    {
        var step = display.Begin(DockerignoreStep);
        var size = buildContext.Filter.IgnoreFilePath is { } path && File.Exists(path) ? new FileInfo(path).Length : 2;
        step.Status("transferring context: " + DecimalBytes.Format(size));
        step.Done();
    }

    /// <summary>The context size for progress; a failure to count is not a build failure.</summary>
    private static long SizeOrZero(Task<long> size)
    {
        try
        {
            return size.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException or BuildContextException)
        {
            return 0;
        }
    }

    /// <summary>A named context directory, with its own .dockerignore (as BuildKit reads it); kept open for the build.</summary>
    private BuildContext OpenNamedContext(string directory, List<BuildContext> opened)
    {
        var named = BuildContext.Open(directory, null, scope.State);
        opened.Add(named);
        return named;
    }

    private async Task<ConversionResult> ConvertAsync(string text, BuildContext buildContext, IImageConfigResolver images, IReadOnlyDictionary<string, NamedContext> named, CancellationToken ct)
    {
        var options = new ConvertOptions
        {
            Target = request.Target,
            BuildArgs = request.BuildArgs,
            Labels = request.Labels,
            TargetPlatform = request.Platform,
            DockerfileName = request.DockerfileName,
            ContextName = ContextName,
            ContextExcludePatterns = buildContext.Filter.Patterns,
            ImageResolver = new MetadataProgressResolver(new FailureNamingResolver(images), display, request.MultiPlatform),
            NoCache = request.NoCache,
            SourceDateEpoch = request.SourceDateEpoch,
            LayerCompression = request.LayerCompression,
            NamedContexts = named,
            GitResolver = new Img.Engine.Git.GitCommitResolver(),
            Network = request.NetworkMode switch
            {
                "none" => NetworkMode.None,
                "host" => NetworkMode.Host,
                _ => NetworkMode.Default,
            },
            ExtraHosts = request.ExtraHosts,
            ShmSize = request.ShmSize,
            Ulimits = request.Ulimits,
            CgroupParent = request.CgroupParent,
        };
        try
        {
            return request.MultiPlatform
                ? await MultiPlatformConverter.ConvertAsync(text, options, request.Platforms, ct)
                : await DockerfileConverter.ConvertAsync(text, options, ct);
        }
        catch (DockerfileException e)
        {
            // BuildKit's form: the excerpt around the line, then the solve error
            display.Complete();
            if (e.Line > 0)
                await context.Error.WriteAsync(SourceExcerpt.Format(request.DockerfileName, text, e.Line));
            throw new UserFacingException(SolveErrors.Failed(e.SolveReason), 1, e);
        }
        catch (UserFacingException)
        {
            display.Complete();
            throw;
        }
    }

    private async Task ReportFailureAsync(BuildFailed failed, BuildGraph graph, VertexLogTail logs, string text)
    {
        var vertex = failed.Vertex is { } digest ? graph.Vertices.FirstOrDefault(v => v.Digest == digest) : null;
        if (vertex is not null)
            await context.Error.WriteAsync(FailureReport.Format(vertex.Metadata.Description, logs.Lines(vertex.Digest), request.DockerfileName, text, vertex.Metadata.Line));
        await context.Error.WriteLineAsync("ERROR: " + SolveErrors.Failed(failed.Error));
    }

    /// <summary>
    /// A base image that cannot be found or fetched is a user error naming the reference
    /// (BuildKit: <c>failed to resolve source metadata for REF: ...</c>), never a crash.
    /// </summary>
    private sealed class FailureNamingResolver(IImageConfigResolver inner) : IImageConfigResolver
    {
        public async ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
        {
            try
            {
                return await inner.ResolveAsync(reference, platform, cancellationToken);
            }
            catch (BaseImageNotFoundException e)
            {
                throw new UserFacingException(SolveErrors.Failed(e.Message), 1, e);
            }
            catch (Exception e) when (e is RegistryException or HttpRequestException or TimeoutException or InvalidDataException)
            {
                throw new UserFacingException(SolveErrors.Failed($"{reference}: failed to resolve source metadata for {reference}: {e.Message}"), 1, e);
            }
        }
    }
}
