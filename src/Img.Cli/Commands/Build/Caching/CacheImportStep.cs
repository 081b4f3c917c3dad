using Img.Cli.Progress;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.RemoteCache.Local;
using Img.Engine.RemoteCache.Registry;
using Img.Engine.Transfer;

namespace Img.Cli.Commands.Build.Caching;

/// <summary>
/// Reads every <c>--cache-from</c> before the build, each as a progress step
/// (<c>importing cache manifest from REF</c>, as BuildKit): only the manifest, the description and
/// the presence of its blobs; never a layer. A source that cannot be read (absent, another img
/// version, not a cache) fails its step and becomes a warning: the build runs without it.
/// Through a cluster (<paramref name="cluster"/>), a directory's steps are left out: nodes cannot read
/// a client's directory, so only an image it holds whole is used (this client delivers it).
/// </summary>
internal sealed class CacheImportStep(CommandContext context, RegistryClients registries, IProgressWriter display, bool cluster = false)
{
    public async Task<IReadOnlyList<ImportedCache>> ImportAsync(IReadOnlyList<CacheSpec> specs, Platform? platform, ICollection<string> warnings, CancellationToken ct)
    {
        var caches = new List<ImportedCache>();
        foreach (var spec in specs)
        {
            var step = display.Begin("importing cache manifest from " + spec.Name);
            try
            {
                var import = await ReadAsync(spec, platform, ct);
                if (cluster && spec.Type == CacheSpecType.Local)
                {
                    var steps = import.Cache.Description.Records.Count(r => !r.IsImage);
                    import = import with
                    {
                        Cache = import.Cache with { Description = import.Cache.Description.Where(r => r.IsImage) },
                        Warnings = [.. import.Warnings, $"{steps} step records are not used: cluster nodes cannot read a client's directory (use type=registry with --cluster)"],
                    };
                }
                foreach (var warning in import.Warnings)
                {
                    step.Status(warning);
                    warnings.Add($"cache {spec.Name}: {warning}");
                }
                caches.Add(import.Cache);
                step.Done();
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
            {
                step.Fail(e.Message);
                warnings.Add($"cache {spec.Name} is not used: {e.Message}");
            }
        }
        return caches;
    }

    private async Task<CacheImport> ReadAsync(CacheSpec spec, Platform? platform, CancellationToken ct)
    {
        if (spec.Type == CacheSpecType.Local)
        {
            var directory = context.ResolvePath(spec.Directory!);
            var manifest = await OciLayoutCache.ResolveAsync(directory, spec.Tag, ct);
            return await CacheImporter.ImportAsync(CacheLocation.ForDirectory(directory).ToString(), new OciLayoutBlobSource(directory), manifest, ct);
        }
        var reference = spec.Reference!;
        var client = registries.Get(reference.Registry);
        var resolved = await client.ResolvePlatformAsync(reference.Repository, reference.ManifestReference, platform, ct);
        var descriptor = resolved.Manifest.ToDescriptor();
        return await CacheImporter.ImportAsync(CacheLocation.ForRegistry(reference.Registry, reference.Repository).ToString(),
            new RegistryBlobSource(client, reference.Repository), descriptor, ct, resolved.Manifest.Content);
    }
}
