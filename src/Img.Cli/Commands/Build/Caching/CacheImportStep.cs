using Img.Cli.Progress;
using Img.Engine.Oci;
using Img.Engine.Platforms;
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
/// A reference that names an index (a multi-platform image built with <c>--cache-to type=inline</c>)
/// gives one cache per platform of the build, each image carrying its own platform's records (as
/// BuildKit reads the inline cache of every manifest of an index); a platform the index lacks, or
/// whose image carries no cache, is a warning.
/// </summary>
internal sealed class CacheImportStep(CommandContext context, RegistryClients registries, IProgressWriter display, bool cluster = false)
{
    /// <param name="platforms">The build's platforms (one, the host's by default; several for a multi-platform build).</param>
    public async Task<IReadOnlyList<ImportedCache>> ImportAsync(IReadOnlyList<CacheSpec> specs, IReadOnlyList<Platform> platforms, ICollection<string> warnings, CancellationToken ct)
    {
        var caches = new List<ImportedCache>();
        foreach (var spec in specs)
        {
            var step = display.Begin("importing cache manifest from " + spec.Name);
            try
            {
                foreach (var read in await ReadAsync(spec, platforms, ct))
                {
                    var import = read;
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
                }
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

    private async Task<IReadOnlyList<CacheImport>> ReadAsync(CacheSpec spec, IReadOnlyList<Platform> platforms, CancellationToken ct)
    {
        if (spec.Type == CacheSpecType.Local)
        {
            var directory = context.ResolvePath(spec.Directory!);
            var manifest = await OciLayoutCache.ResolveAsync(directory, spec.Tag, ct);
            return [await CacheImporter.ImportAsync(CacheLocation.ForDirectory(directory).ToString(), new OciLayoutBlobSource(directory), manifest, ct)];
        }
        var reference = spec.Reference!;
        var client = registries.Get(reference.Registry);
        var location = CacheLocation.ForRegistry(reference.Registry, reference.Repository).ToString();
        var source = new RegistryBlobSource(client, reference.Repository);
        var root = await client.GetManifestAsync(reference.Repository, reference.ManifestReference, null, ct);
        if (!root.IsIndex)
            return [await CacheImporter.ImportAsync(location, source, root.ToDescriptor(), ct, root.Content)];

        // by the index's digest: every platform reads the same index, even if the tag moves meanwhile
        var imports = new List<CacheImport>();
        var missing = new List<string>();
        var unusable = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var platform in platforms)
        {
            FetchedManifest manifest;
            try
            {
                manifest = (await client.ResolvePlatformAsync(reference.Repository, root.Digest, platform, ct)).Manifest;
            }
            catch (RegistryException e) when (e.Kind == RegistryErrorKind.ManifestUnknown && platforms.Count > 1)
            {
                missing.Add(PlatformSpec.Format(PlatformSpec.Normalize(platform)));
                continue;
            }
            if (!seen.Add(manifest.Digest))
                continue;
            try
            {
                imports.Add(await CacheImporter.ImportAsync(location, source, manifest.ToDescriptor(), ct, manifest.Content));
            }
            catch (InvalidDataException e) when (platforms.Count > 1)
            {
                // one platform's image without a cache (or a broken one) leaves the others usable
                unusable.Add($"{PlatformSpec.Format(PlatformSpec.Normalize(platform))}: {e.Message}");
            }
        }
        if (imports.Count == 0)
            throw new InvalidDataException(unusable.Count > 0 ? string.Join("; ", unusable) : $"the index {root.Digest} has no image for {string.Join(", ", missing)}");
        var notes = unusable.Select(u => u + ": its steps will run").ToList();
        if (missing.Count > 0)
            notes.Add($"the index {root.Digest} has no image for {string.Join(", ", missing)}: their steps will run");
        if (notes.Count > 0)
            imports[0] = imports[0] with { Warnings = [.. imports[0].Warnings, .. notes] };
        return imports;
    }
}
