using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Tests.Transfer;

/// <summary>A store that serves one blob with a bit flipped (same size): what a holder with a corrupt disk, or a hostile one, sends.</summary>
internal sealed class LyingContent : IContentProvider, IContentManager
{
    private readonly IContentStore _inner;
    private readonly string _victim;
    private readonly byte[] _lie;

    private LyingContent(IContentStore inner, string victim, byte[] lie)
    {
        _inner = inner;
        _victim = victim;
        _lie = lie;
    }

    public static async Task<LyingContent> CreateAsync(IContentStore inner, Descriptor victim)
    {
        var bytes = await inner.ReadAllBytesAsync(victim);
        bytes[bytes.Length / 2] ^= 0x01;
        return new LyingContent(inner, victim.Digest, bytes);
    }

    /// <summary>The digest of the bytes actually served for the victim.</summary>
    public Digest LieDigest => Digest.Compute(_lie);

    public async ValueTask<IContentReader> OpenAsync(Descriptor descriptor, CancellationToken cancellationToken = default) =>
        descriptor.Digest == _victim ? new Reader(Digest.Parse(_victim), _lie) : await _inner.OpenAsync(descriptor, cancellationToken);

    public ValueTask<ContentInfo?> InfoAsync(Digest digest, CancellationToken cancellationToken = default) => _inner.InfoAsync(digest, cancellationToken);
    public ValueTask<bool> ExistsAsync(Digest digest, CancellationToken cancellationToken = default) => _inner.ExistsAsync(digest, cancellationToken);
    public IAsyncEnumerable<ContentInfo> ListAsync(CancellationToken cancellationToken = default) => _inner.ListAsync(cancellationToken);
    public ValueTask<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    private sealed class Reader(Digest digest, byte[] bytes) : IContentReader
    {
        public Digest Digest { get; } = digest;
        public long Size => bytes.Length;
        public Stream Stream { get; } = new MemoryStream(bytes, writable: false);

        public ValueTask<int> ReadAtAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken = default)
        {
            var n = (int)Math.Max(0, Math.Min(buffer.Length, bytes.Length - offset));
            bytes.AsMemory((int)offset, n).CopyTo(buffer);
            return ValueTask.FromResult(n);
        }

        public void Dispose() => Stream.Dispose();

        public ValueTask DisposeAsync() => Stream.DisposeAsync();
    }
}
