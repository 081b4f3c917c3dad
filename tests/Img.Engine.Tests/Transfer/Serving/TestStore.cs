using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Oci;

namespace Img.Engine.Tests.Transfer.Serving;

/// <summary>A content store in a scratch directory under /var/tmp, removed on dispose.</summary>
internal sealed class TestStore : IDisposable
{
    public TestStore()
    {
        Root = Path.Join("/var/tmp", "img-blobs-" + Guid.NewGuid().ToString("N")[..12]);
        Store = new LocalContentStore(Root);
    }

    public string Root { get; }
    public LocalContentStore Store { get; }

    /// <summary>Stores <paramref name="size"/> random bytes; returns the blob's descriptor.</summary>
    public async Task<Descriptor> AddRandomAsync(long size, int seed = 1)
    {
        var random = new Random(seed);
        await using var writer = await Store.OpenWriterAsync();
        var buffer = new byte[1 << 20];
        for (var left = size; left > 0; left -= buffer.Length)
        {
            random.NextBytes(buffer);
            await writer.Stream.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)));
        }
        var info = await writer.CommitAsync(null, size);
        return new Descriptor { MediaType = "application/octet-stream", Digest = info.Digest.ToString(), Size = info.Size };
    }

    public async Task<Descriptor> AddAsync(byte[] content)
    {
        var info = await Store.WriteBlobAsync(content);
        return new Descriptor { MediaType = "application/octet-stream", Digest = info.Digest.ToString(), Size = info.Size };
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
