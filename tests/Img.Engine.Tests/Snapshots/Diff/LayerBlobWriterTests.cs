using System.Security.Cryptography;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Diff;
using Img.Engine.Oci;
using Img.Engine.Tests.Snapshots;
using Xunit;
using static Img.Engine.Tests.Archive.CompressionTestData;

namespace Img.Engine.Tests.Snapshots.Diff;

/// <summary>The layer blob writer: diffID, digest, sizes and media type for each compression, into a stream or the content store.</summary>
public sealed class LayerBlobWriterTests : IDisposable
{
    private readonly TestDirectory _dir = new("img-blobw");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(LayerCompression.None, MediaTypes.OciLayer)]
    [InlineData(LayerCompression.Gzip, MediaTypes.OciLayerGzip)]
    [InlineData(LayerCompression.Zstd, MediaTypes.OciLayerZstd)]
    public async Task Digests_sizes_and_media_type_into_a_stream_and_into_the_content_store(LayerCompression compression, string mediaType)
    {
        byte[] tar = Mixed(7 * MiB + 512, 21);
        string diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar));

        var plain = new MemoryStream();
        LayerBlob toStream;
        using (var writer = new LayerBlobWriter(plain, compression))
        {
            WriteInChunks(writer, tar, 300_001);
            toStream = writer.Complete();
        }
        byte[] blob = plain.ToArray();
        Assert.Equal(diffId, toStream.DiffId);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob)), toStream.Digest);
        Assert.Equal(blob.Length, toStream.Size);
        Assert.Equal(tar.Length, toStream.UncompressedSize);
        Assert.Equal(mediaType, toStream.MediaType);
        Assert.Equal(tar, await DecompressAsync(blob));

        // Into the content store the blob digest comes from the store's own hashing: same answer.
        var store = new LocalContentStore(_dir.Sub("store-" + compression));
        LayerBlob toStore;
        await using (var ingest = await store.OpenWriterAsync())
        {
            using (var writer = new LayerBlobWriter(ingest.Stream, compression))
            {
                WriteInChunks(writer, tar, 1 << 20);
                toStore = writer.Complete();
            }
            await ingest.CommitAsync(Digest.Parse(toStore.Digest), toStore.Size);
        }
        Assert.Equal(toStream, toStore);
    }

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public void Filling_its_buffers_in_place_gives_the_same_blob_as_writing(LayerCompression compression)
    {
        byte[] tar = Mixed(5 * MiB + 999, 24);
        var written = new MemoryStream();
        LayerBlob viaWrite;
        using (var writer = new LayerBlobWriter(written, compression))
        {
            WriteInChunks(writer, tar, 65_536);
            viaWrite = writer.Complete();
        }

        var filled = new MemoryStream();
        LayerBlob viaSpans;
        using (var writer = new LayerBlobWriter(filled, compression))
        {
            // Alternate in-place fills of odd sizes (as the tar writer reads files) with plain writes (headers).
            var rnd = new Random(25);
            for (int at = 0; at < tar.Length;)
            {
                int n = Math.Min(tar.Length - at, rnd.Next(1, 300_000));
                if (rnd.Next(2) == 0)
                {
                    writer.Write(tar, at, n);
                }
                else
                {
                    Span<byte> span = writer.GetSpan();
                    n = Math.Min(n, span.Length);
                    tar.AsSpan(at, n).CopyTo(span);
                    writer.Advance(n);
                }
                at += n;
            }
            viaSpans = writer.Complete();
        }
        Assert.Equal(viaWrite, viaSpans);
        Assert.Equal(written.ToArray(), filled.ToArray());
    }

    [Fact]
    public void Levels_change_the_blob_but_not_the_diff_id()
    {
        byte[] tar = TextLike(3 * MiB, 22);
        var fast = Write(tar, new LayerCompressionOptions(LayerCompression.Gzip, 1));
        var small = Write(tar, new LayerCompressionOptions(LayerCompression.Gzip, 9));
        Assert.Equal(fast.DiffId, small.DiffId);
        Assert.NotEqual(fast.Digest, small.Digest);
        Assert.True(small.Size < fast.Size);
    }

    [Fact]
    public void The_default_is_gzip_at_the_default_level()
    {
        byte[] tar = TextLike(2 * MiB + 7, 23);
        Assert.Equal(Write(tar, new LayerCompressionOptions(LayerCompression.Gzip, LayerCompressionOptions.DefaultGzipLevel)), Write(tar, null));
    }

    private static LayerBlob Write(byte[] tar, LayerCompressionOptions? options)
    {
        using var writer = new LayerBlobWriter(Stream.Null, options);
        writer.Write(tar);
        return writer.Complete();
    }

    private static void WriteInChunks(Stream writer, byte[] data, int chunk)
    {
        for (int at = 0; at < data.Length; at += chunk)
        {
            writer.Write(data, at, Math.Min(chunk, data.Length - at));
        }
    }

    private static async Task<byte[]> DecompressAsync(byte[] blob)
    {
        await using var stream = await Compression.OpenDecompressedAsync(new MemoryStream(blob));
        var output = new MemoryStream();
        await stream.CopyToAsync(output);
        return output.ToArray();
    }
}
