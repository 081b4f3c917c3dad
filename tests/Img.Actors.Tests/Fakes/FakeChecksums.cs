using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Actors.Tests.Fakes;

/// <summary>Every selection checksums to the same fixed value: the context never changes.</summary>
internal sealed class FakeChecksums : IContentChecksumProvider
{
    public static FakeChecksums Instance { get; } = new();

    public ValueTask<Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Digest.Compute(System.Text.Encoding.UTF8.GetBytes(selection.Path)));
}
