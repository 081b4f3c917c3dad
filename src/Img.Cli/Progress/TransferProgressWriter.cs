using Img.Engine.Content;
using Img.Engine.Registry.Progress;

namespace Img.Cli.Progress;

/// <summary>
/// Prints a pull's or push's <see cref="TransferEvent"/>s as docker's CLI does, one line per
/// event (<c>v1: Pulling from team/app</c>, <c>a6fd6478cd26: Pull complete</c>,
/// <c>1.0: digest: sha256:... size: 1109</c>); no line for the image config. Reports come from
/// parallel blob transfers, so lines are written under a lock.
/// </summary>
public sealed class TransferProgressWriter(TextWriter output) : IProgress<TransferEvent>
{
    private readonly Lock _lock = new();

    public void Report(TransferEvent value)
    {
        var lines = Lines(value);
        lock (_lock)
        {
            foreach (var line in lines)
                output.WriteLine(line);
        }
    }

    /// <summary>docker's lines for <paramref name="progress"/> (none for the image config).</summary>
    public static IReadOnlyList<string> Lines(TransferEvent progress) => progress switch
    {
        PullStarted p => [$"{p.Reference.Tag ?? p.Reference.ManifestReference}: Pulling from {p.Reference.Repository}"],
        PullCompleted p => [$"Digest: {p.Digest}", p.Updated
            ? $"Status: Downloaded newer image for {p.Reference.FamiliarName}"
            : $"Status: Image is up to date for {p.Reference.FamiliarName}"],
        PushStarted p => [$"The push refers to repository [{p.Reference.FullName}]"],
        PushCompleted p => [$"{p.Reference.Tag}: digest: {p.Digest} size: {p.Size}"],
        BlobTransferred { IsConfig: true } => [],
        BlobTransferred b => [Digest.Parse(b.Blob.Digest).ShortId + ": " + b.State switch
        {
            BlobTransferState.FoundLocally => "Already exists",
            BlobTransferState.Downloaded => "Pull complete",
            BlobTransferState.FoundInRegistry => "Layer already exists",
            BlobTransferState.Uploaded => "Pushed",
            BlobTransferState.Mounted => $"Mounted from {b.MountedFrom}",
            _ => throw new ArgumentOutOfRangeException(nameof(progress)),
        }],
        _ => [],
    };
}
