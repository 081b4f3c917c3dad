namespace Img.Engine.Content.Local;

internal sealed class LocalContentReader(Digest digest, FileStream stream) : IContentReader
{
    public Digest Digest { get; } = digest;
    public long Size { get; } = stream.Length;
    public Stream Stream => stream;

    public ValueTask<int> ReadAtAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken = default) =>
        RandomAccess.ReadAsync(stream.SafeFileHandle, buffer, offset, cancellationToken);

    public void Dispose() => stream.Dispose();

    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
