namespace Img.Engine.Content;

/// <summary>An open committed blob. Dispose it to release the file.</summary>
public interface IContentReader : IDisposable, IAsyncDisposable
{
    /// <summary>The blob's digest.</summary>
    Digest Digest { get; }

    /// <summary>The blob's size in bytes.</summary>
    long Size { get; }

    /// <summary>A read-only, seekable stream over the blob, positioned at 0; owned by the reader.</summary>
    Stream Stream { get; }

    /// <summary>Reads at an absolute offset without moving <see cref="Stream"/> (safe to call concurrently).</summary>
    ValueTask<int> ReadAtAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken = default);
}
