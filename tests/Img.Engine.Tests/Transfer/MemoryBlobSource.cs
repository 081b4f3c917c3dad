using System.Collections.Concurrent;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Transfer;

namespace Img.Engine.Tests.Transfer;

/// <summary>
/// An <see cref="IBlobSource"/> over blobs held in memory (copied from a producer's store): counts
/// what it is asked for, can wait on a gate, lie about chosen blobs, or lose them.
/// </summary>
internal sealed class MemoryBlobSource : IBlobSource
{
    public const string Holder = "memory://producer/";

    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _fetched = new();

    /// <summary>Digests whose bytes are served with one bit flipped.</summary>
    public ConcurrentDictionary<string, bool> Lies { get; } = new(StringComparer.Ordinal);

    /// <summary>Awaited before each fetch (after it is counted).</summary>
    public Func<Descriptor, CancellationToken, Task>? BeforeFetch { get; set; }

    public IReadOnlyList<string> Fetched => _fetched.ToArray();

    public static async Task<MemoryBlobSource> CopyOfAsync(IContentStore store)
    {
        var source = new MemoryBlobSource();
        await foreach (var info in store.ListAsync())
            source._blobs[info.Digest.ToString()] = await store.ReadAllBytesAsync(new Descriptor { Digest = info.Digest.ToString(), Size = info.Size });
        return source;
    }

    public void Forget(string digest) => _blobs.TryRemove(digest, out _);

    /// <summary>Holds one more blob (a cache description) and describes it.</summary>
    public Descriptor Add(byte[] bytes, string mediaType)
    {
        var digest = Digest.Compute(bytes).ToString();
        _blobs[digest] = bytes;
        return new Descriptor { MediaType = mediaType, Digest = digest, Size = bytes.Length };
    }

    public override string ToString() => Holder;

    public async Task<ContentInfo> FetchAsync(Descriptor blob, IContentIngester destination, CancellationToken ct)
    {
        _fetched.Enqueue(blob.Digest);
        if (BeforeFetch is { } gate)
            await gate(blob, ct);
        if (!_blobs.TryGetValue(blob.Digest, out var bytes))
            throw new ResultUnavailableException(Digest.Parse(blob.Digest), [new BlobHolderFailure(Holder, "not held")]);
        if (Lies.ContainsKey(blob.Digest))
        {
            bytes = bytes.ToArray();
            bytes[bytes.Length / 2] ^= 0x10;
        }
        await using var writer = await destination.OpenWriterAsync(ct);
        await writer.Stream.WriteAsync(bytes, ct);
        // Commits without an expected digest, like a careless source: the fetcher must verify anyway.
        return await writer.CommitAsync(null, null, ct);
    }
}
