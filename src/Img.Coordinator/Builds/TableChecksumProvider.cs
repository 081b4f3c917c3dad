using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Messages.Builds.Sessions;

namespace Img.Coordinator.Builds;

/// <summary>
/// The content checksums a remote client took of its own context and sent with the build
/// (<see cref="ContextChecksum"/>): the coordinator computes the build's cache keys from them
/// without any of the files. A selection the client did not send is an error, never a guess.
/// </summary>
public sealed class TableChecksumProvider : IContentChecksumProvider
{
    private readonly Dictionary<string, Digest> _table = new(StringComparer.Ordinal);

    /// <exception cref="InvalidDataException">A checksum in the table is not a digest.</exception>
    public TableChecksumProvider(IEnumerable<ContextChecksum> table)
    {
        foreach (var entry in table)
        {
            if (!Digest.TryParse(entry.Digest, out var digest))
                throw new InvalidDataException($"the client sent an invalid checksum for {entry.Source} {entry.Selection.Path}: {entry.Digest}");
            _table[ContextChecksum.KeyOf(entry.Source, entry.Selection.ToSelection())] = digest;
        }
    }

    public ValueTask<Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken) =>
        _table.TryGetValue(ContextChecksum.KeyOf(source.Identifier, selection), out var digest)
            ? ValueTask.FromResult(digest)
            : throw new InvalidDataException($"the client sent no checksum of \"{selection.Path}\" in {source.Identifier}");
}
