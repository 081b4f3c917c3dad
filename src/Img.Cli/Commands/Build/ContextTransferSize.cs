using Img.Engine.Context;

namespace Img.Cli.Commands.Build;

/// <summary>
/// What BuildKit reports as <c>transferring context: SIZE</c>: the bytes of the context files the
/// build reads (the followed paths, after .dockerignore). img serves the context in place, so
/// this is what a transfer would carry, counted from the tree the cache keys scan anyway.
/// </summary>
public static class ContextTransferSize
{
    /// <param name="paths">Context paths the build reads, relative; "/" or none for everything.</param>
    public static async Task<long> ComputeAsync(BuildContext context, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var everything = paths.Count == 0 || paths.Contains("/");
        var entries = await context.ListAsync(cancellationToken).ConfigureAwait(false);
        return entries.Where(e => everything || paths.Any(p => e.Path == p || e.Path.StartsWith(p + "/", StringComparison.Ordinal)))
            .Sum(e => e.Size);
    }
}
