using System.Diagnostics;
using Img.Engine.Diff;
using Xunit;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Snapshots.Diff;

public sealed class GzipBenchmarks(ITestOutputHelper output)
{
    [Fact]
    public void Gzip_throughput_single_vs_parallel_on_512_MiB_half_random_half_zero()
    {
        const int chunk = 1 << 20;
        const int total = 512;
        byte[] random = new byte[8 * chunk];
        new Random(7).NextBytes(random);
        byte[] zeros = new byte[chunk];
        foreach (int parallelism in new[] { 1, 0 })
        {
            var sw = Stopwatch.StartNew();
            using var w = new LayerBlobWriter(Stream.Null, LayerCompression.Gzip, parallelism: parallelism);
            for (int i = 0; i < total; i++)
            {
                w.Write(i % 2 == 0 ? random.AsSpan(i / 2 % 8 * chunk, chunk) : zeros);
            }
            LayerBlob blob = w.Complete();
            sw.Stop();
            output.WriteLine($"parallelism={(parallelism == 0 ? Environment.ProcessorCount : parallelism)}: {total / sw.Elapsed.TotalSeconds:F0} MB/s " +
                $"({sw.ElapsedMilliseconds} ms, {blob.Size / (1 << 20)} MiB compressed of {blob.UncompressedSize / (1 << 20)} MiB)");
        }
    }
}
