using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.RemoteCache;
using Img.Engine.Transfer;

namespace Img.Engine.Tests.RemoteCache;

/// <summary>Blobs in memory, as a cache source (imports) and an export source; counts what is read.</summary>
internal sealed class MemoryCacheBlobs : ICacheBlobSource, ICacheExportSource
{
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    public int Fetched { get; private set; }

    /// <summary>Opening fails after this many bytes of a blob (a writer killed mid-blob); null: never.</summary>
    public long? FailAfter { get; set; }

    public Descriptor Add(byte[] bytes, string mediaType)
    {
        var digest = Digest.Compute(bytes).ToString();
        _blobs[digest] = bytes;
        return new Descriptor { MediaType = mediaType, Digest = digest, Size = bytes.Length };
    }

    public void Remove(string digest) => _blobs.Remove(digest);

    public async Task<ContentInfo> FetchAsync(Descriptor blob, IContentIngester destination, CancellationToken ct)
    {
        if (!_blobs.TryGetValue(blob.Digest, out var bytes))
            throw new ResultUnavailableException(Digest.Parse(blob.Digest), [new BlobHolderFailure("memory", "no such blob")]);
        Fetched++;
        return await destination.WriteBlobAsync(bytes, Digest.Parse(blob.Digest), ct);
    }

    public Task<bool> ExistsAsync(Descriptor blob, CancellationToken ct) => Task.FromResult(_blobs.ContainsKey(blob.Digest));

    public Task<byte[]> ReadAsync(Descriptor blob, int maxSize, CancellationToken ct) =>
        _blobs.TryGetValue(blob.Digest, out var bytes) ? Task.FromResult(bytes) : throw new InvalidDataException($"blob {blob.Digest} is missing");

    public Task<Stream> OpenAsync(Descriptor blob, CancellationToken ct)
    {
        var bytes = _blobs[blob.Digest];
        Stream stream = new MemoryStream(bytes);
        if (FailAfter is { } limit)
            stream = new FailingStream(stream, limit);
        return Task.FromResult(stream);
    }

    public string? MountSource(Descriptor blob, string registry) => null;

    private sealed class FailingStream(Stream inner, long limit) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, (int)Math.Min(count, Math.Max(1, limit - _read)));
            _read += n;
            if (_read >= limit)
                throw new IOException("the writer was killed");
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
