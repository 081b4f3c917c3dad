using Img.Engine.Graph;

namespace Img.Engine.Worker.Files;

/// <summary>
/// Applies a <see cref="FileOp"/>'s actions to a mounted root filesystem (COPY, ADD, WORKDIR's
/// mkdir, heredoc files). The engine implementation is the file-op runner; the worker only
/// prepares the target and the inputs and commits the result.
/// </summary>
public interface IFileOpApplier
{
    /// <param name="targetRoot">The mounted, writable root the actions change.</param>
    /// <param name="inputs">Where each copy source is readable: a mounted snapshot, or the local context with its filter.</param>
    Task ApplyAsync(FileOp op, string targetRoot, IReadOnlyDictionary<OpInput, FileOpSource> inputs, CancellationToken ct);
}
