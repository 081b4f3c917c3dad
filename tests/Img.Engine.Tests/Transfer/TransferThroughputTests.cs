using System.Diagnostics;
using System.Globalization;
using Img.Engine.Content;
using Img.Engine.Mounts;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Img.Engine.Transfer.Serving;
using Xunit;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Transfer;

/// <summary>
/// The brief's transfer benchmark as a printed measurement (never asserted): a 512 MiB result (one
/// incompressible file) published on one node and fetched by another through the blob server on
/// loopback, against <c>curl -s -o /dev/null</c> on the same blob URL.
/// </summary>
public sealed class TransferThroughputTests(ITestOutputHelper output)
{
    private const long Size = 512L * 1024 * 1024;

    [Fact]
    public async Task A_512_MiB_result_between_two_nodes_against_curl()
    {
        using var producer = new TransferNode();
        var snapshot = await CommitBigFileAsync(producer);
        var publisher = new ResultPublisher(producer.Snapshotter, producer.Content, producer.Layers);
        var watch = Stopwatch.StartNew();
        var manifest = await publisher.PublishAsync(snapshot, CancellationToken.None);
        var publish = watch.Elapsed;
        var layer = ResultManifest.Parse(await producer.Content.ReadAllBytesAsync(manifest)).Layers.Single().Blob;

        await using var server = new BlobServer(producer.Content);
        server.Start();
        var url = new Uri(server.BaseUri, "v2/_img/blobs/" + layer.Digest);
        using var client = new RegistryClient($"127.0.0.1:{server.EndPoint.Port}");

        var curl = await BestAsync(() => CurlAsync(url));
        var verified = await BestAsync(async () => await client.GetBlobAsync(PeerBlobSource.Repository, layer, Stream.Null));
        using var source = new PeerBlobSource([server.BaseUri]);
        var stored = await BestAsync(async () =>
        {
            using var consumer = new TransferNode();
            await source.FetchAsync(layer, consumer.Content, CancellationToken.None);
        });
        var unpackWatch = new Stopwatch();
        var unpack = await BestAsync(async () =>
        {
            using var consumer = new TransferNode();
            await source.FetchAsync(layer, consumer.Content, CancellationToken.None);
            await source.FetchAsync(manifest, consumer.Content, CancellationToken.None);
            unpackWatch.Restart();
            var fetched = await consumer.Fetcher.FetchAsync(manifest, source, CancellationToken.None);
            unpackWatch.Stop();
            Assert.Equal(0, fetched.BlobsFetched);
        }, () => unpackWatch.Elapsed);
        var fetch = await BestAsync(async () =>
        {
            using var consumer = new TransferNode();
            var fetched = await consumer.Fetcher.FetchAsync(manifest, source, CancellationToken.None);
            Assert.Equal(2, fetched.BlobsFetched);
        });

        output.WriteLine($"512 MiB result (one {layer.Size / 1048576.0:F0} MiB layer blob), loopback, best of 3:");
        output.WriteLine($"  publish (diff + parallel gzip + store)          {Rate(Size, publish)}");
        output.WriteLine($"  curl -s -o /dev/null                            {Rate(layer.Size, curl)}");
        output.WriteLine($"  RegistryClient, verified, to no file            {Rate(layer.Size, verified)}  {Share(curl, verified)}");
        output.WriteLine($"  PeerBlobSource into a content store (fsync)     {Rate(layer.Size, stored)}  {Share(curl, stored)}");
        output.WriteLine($"  ResultFetcher, blobs already here: unpack only  {Rate(layer.Size, unpack)}");
        output.WriteLine($"  ResultFetcher: download, store, unpack, commit  {Rate(layer.Size, fetch)}  {Share(curl, fetch)}");
    }

    private static async Task<string> CommitBigFileAsync(TransferNode node)
    {
        var mounts = await node.Snapshotter.PrepareAsync("big-active", null);
        Directory.CreateDirectory(node.Scratch);
        using (var lease = Mounter.MountTemporary(mounts, node.Scratch))
        await using (var file = File.Create(Path.Join(lease.Directory, "big.bin")))
        {
            var buffer = new byte[1 << 20];
            var random = new Random(7);
            for (long written = 0; written < Size; written += buffer.Length)
            {
                random.NextBytes(buffer);
                await file.WriteAsync(buffer);
            }
        }
        await node.Snapshotter.CommitAsync("build-big-0001", "big-active");
        return "build-big-0001";
    }

    private static string Rate(long bytes, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0 / elapsed.TotalSeconds,7:F0} MiB/s  ({elapsed.TotalSeconds:F2} s)");

    private static string Share(TimeSpan curl, TimeSpan other) =>
        string.Create(CultureInfo.InvariantCulture, $"{curl.TotalSeconds / other.TotalSeconds * 100:F0}% of curl");

    /// <param name="measured">What to time when not the whole run (the run restarts its own stopwatch).</param>
    private static async Task<TimeSpan> BestAsync(Func<Task> run, Func<TimeSpan>? measured = null)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            var elapsed = measured?.Invoke() ?? watch.Elapsed;
            if (elapsed < best)
                best = elapsed;
        }
        return best;
    }

    private static async Task CurlAsync(Uri url)
    {
        using var curl = Process.Start(new ProcessStartInfo("curl", ["-s", "-f", "-o", "/dev/null", url.ToString()]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("curl did not start");
        await curl.WaitForExitAsync();
        Assert.Equal(0, curl.ExitCode);
    }
}
