using Img.Cli.Commands.Build.Backends;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.Transfer;

namespace Img.Cli.Commands.Build.Caching;

/// <summary>
/// Where a cache export reads its blobs: this process's content store first; a blob made by the
/// build from where the backend says it is (a cluster node; "" here); a blob of a record carried
/// forward from an import from that cache (mounted when the target is the same registry, so it is
/// never downloaded then).
/// </summary>
internal sealed class ExportBlobs(IContentStore content, IBuildBackend backend, IReadOnlyList<ImportedCache> imports, ICacheSourceResolver sources, string defaultLocation)
    : ICacheExportSource
{
    private readonly Dictionary<string, string> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImportedCache> _imported = Index(imports);

    /// <summary>The blob belongs to a result held at <paramref name="location"/>.</summary>
    public void Locate(Descriptor blob, string location)
    {
        lock (_locations)
            _locations[blob.Digest] = location;
    }

    public async Task<Stream> OpenAsync(Descriptor blob, CancellationToken ct)
    {
        if (await content.ExistsAsync(blob, ct))
            return new ContentReaderStream(await content.OpenAsync(blob, ct));
        string? location;
        lock (_locations)
            location = _locations.GetValueOrDefault(blob.Digest);
        var cache = _imported.GetValueOrDefault(blob.Digest);
        if (location is null && (cache is not null || imports.Count > 0))
        {
            // a record carried forward from a cache import (or an imported image's blob)
            var failures = new List<string>();
            foreach (var candidate in cache is null ? imports : imports.Prepend(cache))
            {
                try
                {
                    var store = new FetchingContentStore(content, sources.Open(candidate.Source));
                    return new ContentReaderStream(await store.OpenAsync(blob, ct));
                }
                catch (ResultUnavailableException e)
                {
                    failures.Add(e.Message);
                }
            }
            throw new IOException($"blob {blob.Digest} of an imported cache could not be fetched: {string.Join("; ", failures)}");
        }
        return await backend.OpenBlobAsync(blob, location ?? defaultLocation, ct);
    }

    public string? MountSource(Descriptor blob, string registry)
    {
        var cache = _imported.GetValueOrDefault(blob.Digest) ?? imports.FirstOrDefault(i => IsIn(i, registry));
        return cache is not null && IsIn(cache, registry) ? CacheLocation.Parse(cache.Source).Repository : null;
    }

    private static bool IsIn(ImportedCache cache, string registry)
    {
        var location = CacheLocation.Parse(cache.Source);
        return location.Kind == CacheLocationKind.Registry && RegistryEndpoint.Resolve(location.Registry, []).Name == registry;
    }

    private static Dictionary<string, ImportedCache> Index(IReadOnlyList<ImportedCache> imports)
    {
        var index = new Dictionary<string, ImportedCache>(StringComparer.Ordinal);
        foreach (var cache in imports)
        {
            foreach (var layer in cache.Description.Layers)
                index.TryAdd(layer.Blob.Digest, cache);
            foreach (var image in CacheArtifact.Images(cache.Description))
                index.TryAdd(image.Digest, cache);
        }
        return index;
    }
}
