using Img.Cli.Commands.Build.Caching;

namespace Img.Cli.Commands.Build;

/// <summary>
/// What a build of several platforms can deliver, checked before anything runs (buildx refuses a
/// docker archive of several platforms while it sets up the exporters, with these words).
/// </summary>
internal static class MultiPlatformOutputs
{
    /// <summary>img's message for <c>--cache-from</c>/<c>--cache-to</c> with several platforms through <c>--cluster</c>.</summary>
    public const string ClusterCacheRefused = "--cache-from and --cache-to are not supported yet with --cluster for a build of several platforms";

    /// <summary>buildx's message for <c>-o type=docker,dest=...</c> with several platforms.</summary>
    public const string DockerArchiveRefused = "docker exporter does not support exporting manifest lists, use the oci exporter instead";

    /// <exception cref="UserFacingException">An output or option that cannot take an index.</exception>
    public static void Validate(IReadOnlyList<OutputSpec> outputs, IReadOnlyList<CacheSpec> cacheFrom, IReadOnlyList<CacheSpec> cacheTo, bool cluster)
    {
        if (outputs.Any(o => o.Type == OutputType.Docker))
            throw new UserFacingException(DockerArchiveRefused);
        // one process imports and exports the cache of several platforms; a cluster's nodes do not yet
        if (cluster && (cacheFrom.Count > 0 || cacheTo.Count > 0))
            throw new UserFacingException(ClusterCacheRefused);
    }
}
