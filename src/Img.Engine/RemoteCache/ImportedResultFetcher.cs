using System.Collections.Concurrent;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Img.Engine.Transfer;

namespace Img.Engine.RemoteCache;

/// <summary>
/// Makes an imported result (<see cref="ImportedResult"/>) a snapshot on this node: reads the
/// cache description from its source (once per description), takes the record's layer chain as a
/// <see cref="ResultManifest"/> (stored here, a few hundred bytes), and hands it to the
/// <see cref="ResultFetcher"/> every node uses for its peers' results: missing blobs downloaded
/// from the cache's registry or directory and verified against their digests, layers unpacked
/// and checked against the recorded diffIDs (a description that maps a key to another step's
/// layer fails here, before anything is committed), base layers shared with local images.
/// Thread-safe.
/// </summary>
public sealed class ImportedResultFetcher(IContentStore content, ResultFetcher fetcher)
{
    private readonly ConcurrentDictionary<string, Dictionary<string, CacheRecord>> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CacheDescription> _descriptions = new(StringComparer.Ordinal);

    /// <exception cref="ResultUnavailableException">A blob is missing from the source, or does not match its digest.</exception>
    /// <exception cref="InvalidDataException">The description is unreadable or lacks the key, or a layer does not unpack to its diffID.</exception>
    public async Task<FetchedResult> FetchAsync(ImportedResult imported, IBlobSource source, CancellationToken ct)
    {
        var description = await DescriptionAsync(imported.Description, source, ct).ConfigureAwait(false);
        if (!_records[imported.Description.Digest].TryGetValue(imported.Key.Value, out var record) || record.IsImage)
            throw new InvalidDataException($"cache {imported.Source}: the description {imported.Description.Digest} has no filesystem for key {imported.Key}");
        var lineage = description.LineageOf(record).ToBytes();
        var info = await content.WriteBlobAsync(lineage, Digest.Compute(lineage), ct).ConfigureAwait(false);
        var manifest = new Descriptor { MediaType = ResultManifest.MediaTypeV1, Digest = info.Digest.ToString(), Size = info.Size };
        return await fetcher.FetchAsync(manifest, source, ct).ConfigureAwait(false);
    }

    private async Task<CacheDescription> DescriptionAsync(Descriptor blob, IBlobSource source, CancellationToken ct)
    {
        if (_descriptions.TryGetValue(blob.Digest, out var known))
            return known;
        var digest = Digest.Parse(blob.Digest);
        if (blob.Size is < 0 or > CacheDescription.MaxSize)
            throw new InvalidDataException($"cache description {digest} claims {blob.Size} bytes; at most {CacheDescription.MaxSize} are accepted");
        if (!await content.ExistsAsync(digest, ct).ConfigureAwait(false))
            await source.FetchAsync(blob, content, ct).ConfigureAwait(false);
        var description = CacheDescriptionBlob.Read(blob, await content.ReadAllBytesAsync(blob, ct).ConfigureAwait(false));
        _records[blob.Digest] = description.ByKey();
        return _descriptions[blob.Digest] = description;
    }
}
