using Img.Engine.Content;

namespace Img.Engine.Transfer;

/// <summary>
/// A blob of a result could be had from none of its holders: they are gone, no longer hold it, or
/// sent bytes that do not match its digest. Nothing was stored for it. The coordinator's answer is
/// to run the vertex again from its inputs.
/// </summary>
public sealed class ResultUnavailableException : Exception
{
    public ResultUnavailableException(Digest blob, IReadOnlyList<BlobHolderFailure> failures, Digest? result = null)
        : base(Describe(blob, failures, result))
    {
        Blob = blob;
        Failures = failures;
        Result = result;
    }

    /// <summary>The blob that could not be fetched.</summary>
    public Digest Blob { get; }

    /// <summary>The result manifest being fetched, when known.</summary>
    public Digest? Result { get; }

    /// <summary>Every holder tried, in order, with why it failed.</summary>
    public IReadOnlyList<BlobHolderFailure> Failures { get; }

    /// <summary>The holders tried, in order.</summary>
    public IReadOnlyList<string> Holders => Failures.Select(f => f.Holder).ToArray();

    /// <summary>The same failure, naming the result it happened in.</summary>
    public ResultUnavailableException ForResult(Digest result) => new(Blob, Failures, result);

    private static string Describe(Digest blob, IReadOnlyList<BlobHolderFailure> failures, Digest? result)
    {
        var what = result is { } r && r != blob ? $"result {r} is unavailable: blob {blob}" : $"blob {blob}";
        return failures.Count == 0
            ? $"{what} has no holder to fetch it from"
            : $"{what} could not be fetched from any of its {failures.Count} holder(s): {string.Join("; ", failures)}";
    }
}
