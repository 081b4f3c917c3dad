using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Img.Engine.Archive.Zstd;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Diff;
using Img.Engine.Diff.Overlay;
using Img.Engine.Diff.Walking;
using Img.Engine.Tests.Snapshots;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Snapshots.Diff;

/// <summary>
/// The stages of a layer export, each alone on one core, then the whole pipeline into the
/// content store, on the biglayer workload's data: one 256 MiB urandom file and one 256 MiB
/// file of zeros. Prints MB/s (MiB of input per second) per stage, medians of <c>IMG_BENCH_RUNS</c>
/// (default 3) runs.
/// </summary>
public sealed class LayerExportStageBenchmarks(ITestOutputHelper output) : IDisposable
{
    private const int MiB = 1 << 20;
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("IMG_BENCH_RUNS"), out int r) ? r : 3;
    private readonly TestDirectory _dir = new("img-bench-layer");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Stages_of_a_512_MiB_half_random_layer()
    {
        string upper = _dir.Sub("upper");
        WriteWorkload(upper);
        long tarBytes = 0;

        Measure("walk+tar (to null)", 512, () =>
        {
            tarBytes = OverlayDiffComparer.CompareUpper(upper, [], fuse: false, Stream.Null, DiffOptions.Default).TarBytes;
        });

        byte[] random = new byte[64 * MiB];
        new Random(1).NextBytes(random);
        byte[] zeros = new byte[64 * MiB];
        Measure("sha256 (1 MiB appends)", 128, () => Sha256(random, zeros));

        foreach (var (name, level) in new[] { ("gzip level 6 (Optimal)", CompressionLevel.Optimal), ("gzip level 1 (Fastest)", CompressionLevel.Fastest), ("gzip level 0 (stored)", CompressionLevel.NoCompression) })
        {
            Measure(name + ", random", 64, () => GzipBlocks(random, level));
            Measure(name + ", zeros", 64, () => GzipBlocks(zeros, level));
        }
        int defaultLevel = LayerCompressionOptions.DefaultGzipLevel;
        Measure($"gzip member, level {defaultLevel} + probe, random", 64, () => Members(random, defaultLevel));
        Measure($"gzip member, level {defaultLevel} + probe, zeros", 64, () => Members(zeros, defaultLevel));
        Measure("zstd level 3 (1 thread), random", 64, () => ZstdAll(random, 3, 0));
        Measure("zstd level 3 (1 thread), zeros", 64, () => ZstdAll(zeros, 3, 0));

        Measure("write 256 MiB + fsync", 256, () => WriteAndSync(Path.Join(_dir.Path, "w.bin"), random, 256));

        var store = new LocalContentStore(_dir.Sub("store"));
        foreach (var (name, compression, level) in new[]
        {
            ("pipeline gzip level 6", LayerCompression.Gzip, (int?)6),
            ("pipeline gzip default", LayerCompression.Gzip, (int?)LayerCompressionOptions.DefaultGzipLevel),
            ("pipeline zstd default", LayerCompression.Zstd, (int?)LayerCompressionOptions.DefaultZstdLevel),
            ("pipeline uncompressed", LayerCompression.None, (int?)null),
        })
        {
            long size = 0;
            Measure(name + " -> store (commit+fsync)", 512, () =>
            {
                size = ExportToStoreAsync(store, upper, compression, level).GetAwaiter().GetResult();
            });
            output.WriteLine($"    blob {size / (double)MiB:F1} MiB of {tarBytes / (double)MiB:F1} MiB tar");
        }
        await Task.CompletedTask;
    }

    /// <summary>
    /// Whole exports of real trees (a .NET runtime, a Python library; <c>IMG_BENCH_TREES</c>,
    /// colon-separated, overrides) at each gzip level and zstd: the speed/size trade-off of the
    /// default level on data that compresses.
    /// </summary>
    [Fact]
    public async Task Levels_on_real_trees()
    {
        string trees = Environment.GetEnvironmentVariable("IMG_BENCH_TREES") ?? "/usr/share/dotnet/shared:/usr/lib/python3.11";
        var store = new LocalContentStore(_dir.Sub("store"));
        foreach (string tree in trees.Split(':', StringSplitOptions.RemoveEmptyEntries).Where(Directory.Exists))
        {
            long tarBytes = (await new WalkingDiffComparer().CompareAsync([], [Mounts.Mount.Bind(tree, readOnly: true)], Stream.Null, DiffOptions.Default)).TarBytes;
            int mib = (int)(tarBytes >> 20);
            output.WriteLine($"{tree}: {mib} MiB of tar");
            foreach (var (compression, level) in new[]
            {
                (LayerCompression.Gzip, 1), (LayerCompression.Gzip, 2), (LayerCompression.Gzip, 6), (LayerCompression.Zstd, 3), (LayerCompression.None, 0),
            })
            {
                long size = 0;
                Measure($"  {LayerCompressionOptions.NameOf(compression)} level {level}", mib, () =>
                {
                    size = ExportToStoreAsync(store, tree, compression, level, walking: true).GetAwaiter().GetResult();
                });
                output.WriteLine($"    blob {size / (double)MiB:F1} MiB ({100.0 * size / tarBytes:F1}% of the tar)");
            }
        }
        await Task.CompletedTask;
    }

    private static async Task<long> ExportToStoreAsync(LocalContentStore store, string upper, LayerCompression compression, int? level, bool walking = false)
    {
        await using var writer = await store.OpenWriterAsync();
        IDiffComparer comparer = walking ? new WalkingDiffComparer() : new OverlayDiffComparer();
        var blob = await LayerExporter.ExportAsync(comparer, [], [Mounts.Mount.Bind(upper, readOnly: walking)],
            writer.Stream, new LayerCompressionOptions(compression, level), DiffOptions.Default);
        var info = await writer.CommitAsync(Digest.Parse(blob.Digest), blob.Size);
        await store.DeleteAsync(info.Digest);
        return blob.Size;
    }

    /// <summary>Prints the median wall time (as MB/s) and the median CPU time of the process (all threads) over the runs.</summary>
    private void Measure(string stage, int mib, Action action)
    {
        var times = new List<double>();
        var cpus = new List<double>();
        using var self = Process.GetCurrentProcess();
        for (int i = 0; i < Runs; i++)
        {
            self.Refresh();
            var cpu0 = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalSeconds);
            self.Refresh();
            cpus.Add((self.TotalProcessorTime - cpu0).TotalSeconds);
        }
        times.Sort();
        cpus.Sort();
        double median = times[times.Count / 2];
        output.WriteLine($"{stage,-48} {mib / median,8:F0} MB/s  ({median * 1000:F0} ms wall, {cpus[cpus.Count / 2] * 1000:F0} ms cpu for {mib} MiB; " +
            $"wall runs {string.Join(" ", times.Select(t => (t * 1000).ToString("F0")))})");
    }

    private static void WriteWorkload(string dir)
    {
        byte[] chunk = new byte[MiB];
        using (var f = File.Create(Path.Join(dir, "random")))
        {
            var rnd = new Random(2);
            for (int i = 0; i < 256; i++)
            {
                rnd.NextBytes(chunk);
                f.Write(chunk);
            }
        }
        Array.Clear(chunk);
        using (var f = File.Create(Path.Join(dir, "zeros")))
        {
            for (int i = 0; i < 256; i++)
                f.Write(chunk);
        }
    }

    private static void Sha256(byte[] a, byte[] b)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (byte[] data in new[] { a, b })
            for (int o = 0; o < data.Length; o += MiB)
                h.AppendData(data, o, MiB);
        h.GetHashAndReset();
    }

    private static void GzipBlocks(byte[] data, CompressionLevel level)
    {
        var sink = new MemoryStream(data.Length + MiB);
        for (int o = 0; o < data.Length; o += MiB)
        {
            using var gz = new GZipStream(sink, level, leaveOpen: true);
            gz.Write(data, o, MiB);
        }
    }

    /// <summary>What one gzip worker does per block: probe, then deflate or store.</summary>
    private static void Members(byte[] data, int level)
    {
        for (int o = 0; o < data.Length; o += MiB)
        {
            var (buffer, _) = GzipMember.Compress(data.AsSpan(o, MiB), level);
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ZstdAll(byte[] data, int level, int workers)
    {
        using var z = new ZstdCompressionStream(Stream.Null, level, workers, leaveOpen: true);
        for (int o = 0; o < data.Length; o += MiB)
            z.Write(data, o, MiB);
    }

    private static void WriteAndSync(string path, byte[] data, int mib)
    {
        using (var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            for (int i = 0; i < mib; i++)
                f.Write(data, i % (data.Length / MiB) * MiB, MiB);
            f.Flush(flushToDisk: true);
        }
        File.Delete(path);
    }
}
