using Img.Cli.Commands.Images.Formatting;
using Img.Cli.Hosting;
using Img.Engine.BuildCache.Gc;

namespace Img.Cli.Commands.Images;

/// <summary>
/// BuildKit's automatic gc, run by <c>img build</c> once its result is delivered (buildkitd runs it
/// after each build): the config's rules (<see cref="GcConfigFile"/>), or buildkitd's defaults,
/// applied to the build cache and the blobs only it kept. Cheap when there is nothing to do: the
/// last run's checkpoint and one statfs tell whether the cache can have passed a limit
/// (<see cref="GcCheckpoint.NeedsRun"/>); only then is the cache measured. A failure is a warning:
/// the build has succeeded by then.
/// </summary>
internal static class AutomaticGc
{
    /// <summary>Reads the config before the build, so that a bad file stops it with the file and line.</summary>
    public static GcConfig LoadConfig(StateScope scope)
    {
        try
        {
            return GcConfigFile.Load(scope.State.Root);
        }
        catch (GcConfigException e)
        {
            throw new UserFacingException("invalid config: " + e.Message);
        }
        catch (IOException e)
        {
            throw new UserFacingException("reading the config file: " + e.Message);
        }
    }

    public static async Task RunAsync(StateScope scope, GcConfig config, CommandContext context, CancellationToken cancellationToken)
    {
        try
        {
            var disk = DiskStat.Of(scope.State.Root);
            var rules = config.Rules(disk);
            var now = DateTimeOffset.UtcNow;
            var checkpointPath = GcCheckpoint.PathIn(scope.State.Root);
            if (!GcCheckpoint.NeedsRun(GcCheckpoint.Load(checkpointPath), rules, disk, now, wroteEntries: true))
                return;
            GcPlan plan;
            BuildCacheRemovalResult? removal = null;
            await using (var cache = await BuildCacheView.OpenAsync(scope, cancellationToken))
            {
                plan = GcPlanner.Plan(cache.Entries, rules, disk, now);
                if (plan.Removal.Entries.Count > 0)
                    removal = await BuildCacheRemoval.RunAsync(scope, cache, plan.Removal, context.Error, cancellationToken);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(checkpointPath)!);
            GcCheckpoint.From(plan, DiskStat.Of(scope.State.Root), now).Save(checkpointPath);
            if (context.Debug)
            {
                await context.Error.WriteLineAsync(removal is null
                    ? $"gc: nothing to remove (build cache {HumanUnits.Size(plan.RemainingSize)})"
                    : $"gc: removed {removal.Removed.Count} build cache entries and {removal.BlobsRemoved.Count} blobs, {HumanUnits.Size(removal.BytesFreed)} (build cache now {HumanUnits.Size(plan.RemainingSize)})");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await context.Error.WriteLineAsync("WARNING: automatic gc failed: " + e.Message);
        }
    }
}
