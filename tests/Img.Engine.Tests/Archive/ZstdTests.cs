using System.Security.Cryptography;
using Img.Engine.Archive;
using Img.Engine.Archive.Zstd;
using Img.Engine.Tests.Snapshots;
using Xunit;
using static Img.Engine.Tests.Archive.CompressionTestData;

namespace Img.Engine.Tests.Archive;

/// <summary>zstd through libzstd: round trips, reproducibility across worker counts, errors, and the zstd program agreeing.</summary>
public sealed class ZstdTests : IDisposable
{
    private readonly TestDirectory _dir = new("img-zstd");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, int> Inputs => new()
    {
        { "empty", 0 },
        { "one byte", 1 },
        { "random", 5 * MiB + 3 },
        { "zeros", 9 * MiB },
        { "text", 3 * MiB },
        { "mixed", 20 * MiB + 17 },
    };

    private static byte[] Make(string kind, int length) => kind switch
    {
        "random" => Random(length, 1),
        "text" => TextLike(length, 2),
        "mixed" => Mixed(length, 3),
        _ => new byte[length],
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Round_trips_and_the_zstd_program_agrees(string kind, int length)
    {
        byte[] data = Make(kind, length);
        byte[] compressed = Compress(data, level: 3, workers: 2, chunk: 100_000);

        Assert.Equal(data, Decompress(compressed, readSize: 7777));
        string file = Path.Join(_dir.Path, kind + ".zst");
        File.WriteAllBytes(file, compressed);
        var test = Run("zstd", "zstd", file, "-t", "-q");
        Assert.True(test.ExitCode == 0, test.Error);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), DecompressedSha256("zstd", "zstd", file));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    public void Output_is_the_same_for_any_worker_count_and_write_sizes(int level)
    {
        // 24 MiB ends exactly on a job boundary, where libzstd's end of frame would otherwise depend on timing.
        byte[] data = Mixed(24 * MiB, 4);
        var outputs = new HashSet<string>();
        foreach (int workers in new[] { 1, 2, 4 })
        {
            foreach (int chunk in new[] { MiB, 65_537 })
            {
                for (int run = 0; run < 2; run++)
                {
                    outputs.Add(Convert.ToHexStringLower(SHA256.HashData(Compress(data, level, workers, chunk))));
                }
            }
        }
        Assert.Single(outputs);
    }

    [Fact]
    public void Incompressible_data_costs_almost_nothing_in_size()
    {
        byte[] data = Random(16 * MiB, 5);
        byte[] compressed = Compress(data, 3, 2, MiB);
        Assert.InRange(compressed.Length, data.Length, data.Length + data.Length / 1000);
    }

    [Fact]
    public void Reads_concatenated_frames_and_frames_of_the_zstd_program()
    {
        byte[] a = TextLike(MiB, 6);
        byte[] b = Random(MiB / 2, 7);
        string plain = Path.Join(_dir.Path, "b.bin");
        File.WriteAllBytes(plain, b);
        string fromCli = Path.Join(_dir.Path, "b.zst");
        var cli = Run("zstd", "zstd", plain, "-q", "-19", "--long=24", "-o", fromCli);
        Assert.True(cli.ExitCode == 0, cli.Error);

        byte[] joined = [.. Compress(a, 3, 1, MiB), .. File.ReadAllBytes(fromCli)];
        Assert.Equal([.. a, .. b], Decompress(joined, readSize: MiB));
    }

    [Fact]
    public void Truncated_or_corrupt_data_is_an_error()
    {
        byte[] data = TextLike(2 * MiB, 8);
        byte[] compressed = Compress(data, 3, 1, MiB);
        var truncated = Assert.Throws<InvalidDataException>(() => Decompress(compressed[..(compressed.Length - 10)], MiB));
        Assert.Contains("zstd", truncated.Message);

        byte[] corrupt = (byte[])compressed.Clone();
        corrupt[corrupt.Length / 2] ^= 0x5A;
        Assert.Throws<InvalidDataException>(() => Decompress(corrupt, MiB));
    }

    [Fact]
    public async Task Compression_open_decompressed_recognises_zstd_by_magic()
    {
        byte[] data = Mixed(3 * MiB, 9);
        await using var stream = await Compression.OpenDecompressedAsync(new MemoryStream(Compress(data, 3, 1, MiB)));
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    private static byte[] Compress(byte[] data, int level, int workers, int chunk)
    {
        var output = new MemoryStream();
        using (var zstd = new ZstdCompressionStream(output, level, workers, leaveOpen: true))
        {
            for (int at = 0; at < data.Length; at += chunk)
            {
                zstd.Write(data, at, Math.Min(chunk, data.Length - at));
            }
        }
        return output.ToArray();
    }

    private static byte[] Decompress(byte[] compressed, int readSize)
    {
        using var zstd = new ZstdDecompressionStream(new MemoryStream(compressed));
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = zstd.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }
        return output.ToArray();
    }
}
