using System.Collections.Concurrent;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Messages.Builds.Sessions;

namespace Img.Cli.Commands.Build.Backends;

/// <summary>
/// Takes the content checksums a build needs on the client, where the context is, and keeps them
/// for the coordinator (<see cref="StartBuild"/>'s checksum table): the coordinator computes cache
/// keys before a single file is uploaded.
/// </summary>
internal sealed class ChecksumRecorder(IContentChecksumProvider inner) : IContentChecksumProvider
{
    private readonly ConcurrentDictionary<string, ContextChecksum> _taken = new(StringComparer.Ordinal);

    public IReadOnlyList<ContextChecksum> Table => [.. _taken.Values];

    public async ValueTask<Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken)
    {
        var digest = await inner.ChecksumAsync(source, selection, cancellationToken).ConfigureAwait(false);
        _taken[ContextChecksum.KeyOf(source.Identifier, selection)] = new ContextChecksum(source.Identifier, SelectionSpec.From(selection), digest.ToString());
        return digest;
    }

    /// <summary>Every checksum the graph's cache keys need.</summary>
    public static async Task<IReadOnlyList<ContextChecksum>> TakeAsync(BuildGraph graph, IContentChecksumProvider checksums, CancellationToken cancellationToken)
    {
        var recorder = new ChecksumRecorder(checksums);
        await CacheKeyCalculator.ComputeAsync(graph, recorder, cancellationToken).ConfigureAwait(false);
        return recorder.Table;
    }
}
