using System.IO.Compression;
using System.Security.Cryptography;
using Img.Engine.Diff;
using Img.Engine.Mounts;
using Img.Engine.Tests.Snapshots;
using Xunit;
using static Img.Engine.Tests.Archive.CompressionTestData;

namespace Img.Engine.Tests.Snapshots.Diff;

/// <summary>Parallel gzip members: valid gzip for every reader, reproducible, stored when incompressible, errors surface.</summary>
public sealed class ParallelGzipStreamTests : IDisposable
{
    private const int Block = ParallelGzipStream.DefaultBlockSize;
    private readonly TestDirectory _dir = new("img-pgz");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, int> Inputs => new()
    {
        { "zeros", 0 },
        { "random", 1 },
        { "text", Block - 1 },
        { "random", Block },
        { "mixed", Block + 1 },
        { "mixed", 13 * Block / 2 },
        { "zeros", 4 * Block },
        { "text", 3 * Block + 12_345 },
    };

    private static byte[] Make(string kind, int length) => kind switch
    {
        "random" => Random(length, 11),
        "text" => TextLike(length, 12),
        "mixed" => Mixed(length, 13),
        _ => new byte[length],
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Round_trips_through_dotnet_and_gzip(string kind, int length)
    {
        byte[] data = Make(kind, length);
        foreach (int level in new[] { 0, 1, 2, 6, 9 })
        {
            byte[] gz = Compress(data, level, parallelism: 2, chunk: 70_001);
            Assert.Equal(data, Gunzip(gz));
            string file = Path.Join(_dir.Path, $"{kind}-{length}-{level}.gz");
            File.WriteAllBytes(file, gz);
            var test = Run("gzip", "gzip", file, "-t");
            Assert.True(test.ExitCode == 0, test.Error);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), DecompressedSha256("gzip", "gzip", file));
        }
    }

    [Fact]
    public void Same_input_gives_the_same_bytes_whatever_the_parallelism_and_write_sizes()
    {
        byte[] data = Mixed(9 * Block + 5, 14);
        var outputs = new HashSet<string>();
        foreach (int parallelism in new[] { 1, 2, 3, 8 })
        {
            foreach (int chunk in new[] { 1000, Block, 3 * Block + 1 })
            {
                outputs.Add(Convert.ToHexStringLower(SHA256.HashData(Compress(data, 2, parallelism, chunk))));
            }
        }
        Assert.Single(outputs);
    }

    [Fact]
    public void Incompressible_blocks_are_stored_and_compressible_ones_deflated()
    {
        byte[] random = Random(8 * Block, 15);
        byte[] storedGz = Compress(random, 6, 2, Block);
        // Stored deflate blocks: 5 bytes per 64 KiB plus each member's 18-byte frame.
        Assert.InRange(storedGz.Length, random.Length, random.Length + random.Length / 1000);

        byte[] text = TextLike(8 * Block, 16);
        Assert.True(Compress(text, 2, 2, Block).Length < text.Length / 3);

        // Half random, half zeros, in alternating blocks: about half the size.
        byte[] half = new byte[8 * Block];
        for (int b = 0; b < 8; b += 2)
        {
            random.AsSpan(b * Block, Block).CopyTo(half.AsSpan(b * Block));
        }
        int size = Compress(half, 2, 2, Block).Length;
        Assert.InRange(size, half.Length / 2, half.Length / 2 + half.Length / 100);
    }

    [Fact]
    public void Level_zero_stores_everything()
    {
        byte[] text = TextLike(3 * Block, 17);
        Assert.InRange(Compress(text, 0, 2, Block).Length, text.Length, text.Length + text.Length / 1000);
    }

    [Fact]
    public void A_full_disk_fails_the_writer_instead_of_hanging()
    {
        Requirements.Root();
        string small = _dir.Sub("small");
        Mounter.MountOne(new Mount("tmpfs", "tmpfs", ["size=3m"]), small);
        try
        {
            using var file = new FileStream(Path.Join(small, "blob"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
            var gzip = new ParallelGzipStream(file, 1, 2);
            byte[] random = Random(Block, 18);
            var e = Assert.ThrowsAny<IOException>(() =>
            {
                for (int i = 0; i < 64; i++)
                {
                    gzip.Write(random);
                }
                gzip.Complete();
            });
            Assert.Contains("space", e.Message, StringComparison.OrdinalIgnoreCase);
            gzip.Dispose(); // stops the threads without throwing again
        }
        finally
        {
            Mounter.Unmount(small);
        }
    }

    private static byte[] Compress(byte[] data, int level, int parallelism, int chunk)
    {
        var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, level, parallelism))
        {
            for (int at = 0; at < data.Length; at += chunk)
            {
                gzip.Write(data, at, Math.Min(chunk, data.Length - at));
            }
            gzip.Complete();
        }
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] gz)
    {
        using var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
