using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Img.Engine.Transfer;

namespace Img.Node.Workers;

/// <summary>
/// Makes a job's imported inputs (<see cref="CacheResult.Imported"/>: records of a
/// <c>--cache-from</c> cache) local snapshots before it runs: blobs fetched from the cache and
/// verified, layers checked against the recorded diffIDs. An input that cannot be had fails the
/// job with its position (<see cref="InputsLostException"/>), so the build forgets the record
/// and runs its step. An imported image (a platform's export record, the input of a
/// multi-platform build's index) stays as it is: its consumer reads only its descriptor, and the
/// client brings its blobs when an output needs them.
/// </summary>
public static class ImportedInputs
{
    public static bool Any(IReadOnlyList<CacheResult> inputs) => inputs.Any(NeedsFetch);

    /// <summary>An imported result with a filesystem to fetch (not an image).</summary>
    public static bool NeedsFetch(CacheResult input) => input.Imported is not null && input.Image is null;

    /// <param name="location">What the local results are located as (the node's name, "" in one process).</param>
    public static async Task<IReadOnlyList<CacheResult>> LocalizeAsync(IReadOnlyList<CacheResult> inputs, ImportedResultFetcher fetcher, ICacheSourceResolver sources,
        string location, CancellationToken cancellationToken)
    {
        var result = inputs.ToArray();
        var lost = new List<int>();
        var errors = new List<string>();
        await Task.WhenAll(result.Select(async (input, i) =>
        {
            if (!NeedsFetch(input) || input.Imported is not { } imported)
                return;
            try
            {
                var fetched = await fetcher.FetchAsync(imported, sources.Open(imported.Source), cancellationToken).ConfigureAwait(false);
                result[i] = new CacheResult(fetched.Snapshot, Location: location);
            }
            catch (Exception e) when (e is ResultUnavailableException or InvalidDataException or InvalidOperationException or FormatException or IOException
                                      && !cancellationToken.IsCancellationRequested)
            {
                lock (lost)
                {
                    lost.Add(i);
                    errors.Add(e.Message);
                }
            }
        })).ConfigureAwait(false);
        if (lost.Count > 0)
            throw new InputsLostException([.. lost.Order()], string.Join("; ", errors));
        return result;
    }
}
