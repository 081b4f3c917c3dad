using Img.Cli.Commands.Build.Backends;
using Img.Cli.Progress;
using Img.Engine.Content;
using Img.Engine.References;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.RemoteCache.Local;
using Img.Engine.RemoteCache.Registry;
using Img.Engine.Transfer;
using Img.Messages.Builds.Events;

namespace Img.Cli.Commands.Build.Caching;

/// <summary>
/// Writes each <c>--cache-to</c> (registry or local; inline is part of the image) once the
/// outputs are delivered, each as a progress step (<c>exporting cache to registry</c>,
/// <c>exporting cache to client directory</c>, as buildx). A failure fails its step; it fails the
/// build (exit 1, the image already delivered stays) unless the export says <c>ignore-error=true</c>,
/// which makes it a warning.
/// </summary>
internal sealed class CacheExporter(CommandContext context, RegistryClients registries, IProgressWriter display,
    CacheRecordsDescriber describer, ExportBlobs blobs, IReadOnlyList<string> insecureRegistries)
{
    /// <returns>The first failure the user did not ask to ignore, or null.</returns>
    public async Task<string?> ExportAsync(IReadOnlyList<CacheSpec> specs, IReadOnlyList<ExportedCacheRecord> records, ICollection<string> warnings, CancellationToken ct)
    {
        string? failure = null;
        foreach (var spec in specs.Where(s => s.Type != CacheSpecType.Inline))
        {
            var step = display.Begin(spec.Type == CacheSpecType.Registry ? "exporting cache to registry" : "exporting cache to client directory");
            try
            {
                step.Status("preparing build cache for export");
                var push = spec.Type == CacheSpecType.Registry ? new CachePushTarget(spec.Reference!.Registry, spec.Reference.Repository, insecureRegistries) : null;
                var description = await describer.DescribeAsync(records, spec.Mode, spec.Compression, push, ct);
                await WriteAsync(spec, description, step, ct);
                step.Done();
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
            {
                var message = $"exporting cache to {spec.Name}: {e.Message}";
                step.Fail(e.Message);
                if (spec.IgnoreError)
                    warnings.Add(message + " (ignored: ignore-error=true)");
                else
                    failure ??= message;
            }
        }
        return failure;
    }

    private async Task WriteAsync(CacheSpec spec, CacheDescription description, IProgressStep step, CancellationToken ct)
    {
        if (spec.Type == CacheSpecType.Local)
        {
            await OciLayoutCache.WriteAsync(context.ResolvePath(spec.Directory!), spec.Tag, description, blobs, s => step.Status(s), ct);
            return;
        }
        var reference = spec.Reference!;
        if (reference.Digest is not null)
            throw new InvalidOperationException($"a cache reference needs a tag, not a digest: {reference}");
        var writer = new RegistryCacheWriter(registries.Get(reference.Registry), reference.Repository);
        await writer.WriteAsync(reference.Tag ?? ImageReference.DefaultTag, description, blobs, s => step.Status(s), ct);
    }
}
