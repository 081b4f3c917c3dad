using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Tests.Solver;

/// <summary>Checksums from an in-memory "context": path → content; records every call.</summary>
internal sealed class FakeChecksumProvider : IContentChecksumProvider
{
    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public List<(SourceOp Source, ContentSelection Selection)> Calls { get; } = [];

    public ValueTask<Digest> ChecksumAsync(SourceOp source, ContentSelection selection, CancellationToken cancellationToken)
    {
        Calls.Add((source, selection));
        var selected = Files
            .Where(f => selection.Path == "/" || f.Key == selection.Path || f.Key.StartsWith(selection.Path.TrimEnd('/') + "/", StringComparison.Ordinal))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => f.Key + "\0" + f.Value);
        return ValueTask.FromResult(Digest.Compute(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", selected))));
    }
}
