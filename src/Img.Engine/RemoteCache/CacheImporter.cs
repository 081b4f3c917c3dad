using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.RemoteCache.Inline;
using Img.Engine.Transfer;

namespace Img.Engine.RemoteCache;

/// <summary>
/// Reads a cache for a build (<c>--cache-from</c>): the manifest a reference resolved to is either
/// img's cache artifact (its config is a <see cref="CacheDescription"/>) or an image whose config
/// carries an inline cache. Every record whose blobs the source does not hold is dropped (its key
/// misses), so a cache with missing blobs still serves what it can. Only small documents are read:
/// the manifest, the description, image manifests of export records; never a layer.
/// </summary>
public static class CacheImporter
{
    private const int Parallelism = 8;
    private const int MaxManifestSize = 4 * 1024 * 1024;

    /// <param name="location">The source as results will name it (<see cref="CacheLocation"/>).</param>
    /// <param name="manifest">The manifest the user's reference resolved to.</param>
    /// <param name="manifestBytes">Its bytes, when the caller has them (verified against its digest).</param>
    /// <exception cref="InvalidDataException">Neither a cache of this img's version nor an image with an inline cache.</exception>
    public static async Task<CacheImport> ImportAsync(string location, ICacheBlobSource source, Descriptor manifest, CancellationToken ct, byte[]? manifestBytes = null)
    {
        if (manifestBytes is not null && Digest.Compute(manifestBytes).ToString() != manifest.Digest)
            throw new InvalidDataException($"manifest {manifest.Digest} does not match its digest");
        manifestBytes ??= await source.ReadAsync(manifest, MaxManifestSize, ct).ConfigureAwait(false);
        ImageManifest document;
        try
        {
            document = JsonSerializer.Deserialize<ImageManifest>(manifestBytes) ?? throw new JsonException("null manifest");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"manifest {manifest.Digest} is not valid JSON: {e.Message}", e);
        }
        var config = document.Config ?? throw new InvalidDataException($"manifest {manifest.Digest} has no config");
        var configBytes = await source.ReadAsync(config, CacheDescription.MaxSize, ct).ConfigureAwait(false);
        CacheDescription description;
        if (config.MediaType.StartsWith(CacheDescription.MediaTypePrefix, StringComparison.Ordinal))
        {
            description = CacheDescription.Parse(configBytes);
        }
        else if (MediaTypes.IsConfig(config.MediaType))
        {
            description = InlineCache.Extract(configBytes)
                ?? throw new InvalidDataException($"the image {manifest.Digest} carries no cache (build it with --cache-to type=inline)");
            var self = new Descriptor { MediaType = manifest.MediaType, Digest = manifest.Digest, Size = manifest.Size };
            description = description with
            {
                Records = description.Records.Select(r => r.CarrierImage ? r with { Image = self, CarrierImage = false } : r).ToArray(),
            };
        }
        else
        {
            throw new InvalidDataException($"manifest {manifest.Digest} is neither an img cache nor an image (its config is a {config.MediaType})");
        }
        var (kept, warnings) = await KeepPresentAsync(description, source, ct).ConfigureAwait(false);
        return new CacheImport(new ImportedCache(location, config, kept), warnings);
    }

    /// <summary>Drops the records some of whose blobs the source lacks; says how many and the first missing blob.</summary>
    private static async Task<(CacheDescription Kept, IReadOnlyList<string> Warnings)> KeepPresentAsync(CacheDescription description, ICacheBlobSource source, CancellationToken ct)
    {
        var needs = new Dictionary<string, IReadOnlyList<Descriptor>>(StringComparer.Ordinal);
        var problems = new List<string>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in description.Records)
        {
            if (record.Image is not { } image)
            {
                needs[record.Key] = description.BlobsOf(record).ToArray();
                continue;
            }
            try
            {
                var bytes = await source.ReadAsync(image, MaxManifestSize, ct).ConfigureAwait(false);
                var manifest = JsonSerializer.Deserialize<ImageManifest>(bytes) ?? throw new JsonException("null manifest");
                needs[record.Key] = [image, manifest.Config, .. manifest.Layers];
                present.Add(image.Digest);
            }
            catch (Exception e) when (e is InvalidDataException or JsonException or ResultUnavailableException or RegistryException or HttpRequestException or IOException)
            {
                problems.Add($"image {image.Digest}: {e.Message}");
                needs[record.Key] = [image with { Size = -1 }];
            }
        }
        var blobs = needs.Values.SelectMany(b => b).Where(b => b.Size >= 0 && !present.Contains(b.Digest)).DistinctBy(b => b.Digest, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (blob, c) =>
        {
            bool exists;
            try
            {
                exists = await source.ExistsAsync(blob, c).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RegistryException or HttpRequestException or IOException)
            {
                exists = false;
            }
            if (exists)
                lock (present) present.Add(blob.Digest);
        }).ConfigureAwait(false);
        var dropped = description.Records.Where(r => !needs[r.Key].All(b => present.Contains(b.Digest))).ToList();
        if (dropped.Count == 0)
            return (description, []);
        var missing = dropped.SelectMany(r => needs[r.Key]).First(b => !present.Contains(b.Digest));
        var warnings = new List<string>
        {
            $"{dropped.Count} of {description.Records.Count} cache records are unusable (blob {missing.Digest} is missing{(problems.Count > 0 ? "; " + problems[0] : "")}): their steps will run",
        };
        var gone = dropped.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        return (description.Where(r => !gone.Contains(r.Key)), warnings);
    }
}
