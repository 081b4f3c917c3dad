using Img.Cli.Hosting;
using Img.Engine.BuildCache;
using Img.Engine.Images;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Images;

/// <summary>
/// Carries out a prune plan, for <c>img prune</c> and automatic gc alike: the records are deleted
/// by their vertex entities first, then the snapshots (children first) whose records are all gone,
/// then every blob that neither an image nor a remaining record reaches. A snapshot whose record
/// could not be deleted stays: a record never points at nothing.
/// </summary>
internal static class BuildCacheRemoval
{
    public static async Task<BuildCacheRemovalResult> RunAsync(StateScope scope, BuildCacheView cache, BuildCachePrunePlan plan, TextWriter warnings, CancellationToken cancellationToken)
    {
        var forgotten = new HashSet<string>(StringComparer.Ordinal);
        if (cache.Client is { } client && plan.Keys.Count > 0)
        {
            foreach (var answer in await client.ForgetAsync(plan.Keys, cancellationToken))
            {
                if (answer.Forgotten)
                    forgotten.Add(answer.Key.Value);
                else
                    await warnings.WriteLineAsync($"WARNING: build cache record {answer.Key} was not removed: {answer.Error}");
            }
        }
        var removable = plan with { Entries = plan.Entries.Where(e => e.Keys.All(k => forgotten.Contains(k.Value))).ToList() };
        var result = await BuildCachePruner.RemoveSnapshotsAsync(removable, cancellationToken);
        foreach (var failure in result.Failures)
            await warnings.WriteLineAsync("WARNING: could not remove snapshot " + failure);
        BuildCacheUsage.Forget(BuildCacheUsage.PathIn(scope.State.Root), result.Removed.Select(e => e.Id));

        // blobs that kept cache records still name (exported layers, images of untagged builds) stay
        var stillRecorded = cache.Records.Where(r => !forgotten.Contains(r.Key.Value))
            .SelectMany(r => new[] { r.Result.Layer, r.Result.Image })
            .OfType<Descriptor>()
            .ToList();
        var blobs = await new GarbageCollector(scope.Content, scope.Images).CollectAsync(stillRecorded, false, cancellationToken);
        var failed = result.Failures.Count > 0 || forgotten.Count < plan.Keys.Count;
        return new BuildCacheRemovalResult(result.Removed, result.BytesFreed, blobs.Removed.OrderBy(b => b.Digest).ToList(), blobs.BytesFreed, failed);
    }
}
