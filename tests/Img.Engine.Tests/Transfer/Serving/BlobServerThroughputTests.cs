using System.Diagnostics;
using System.Globalization;
using Img.Engine.Registry;
using Img.Engine.Transfer.Serving;
using Xunit;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Transfer.Serving;

/// <summary>
/// Throughput of one 256 MiB download from the blob server on loopback, the registry client against
/// <c>curl -s -o /dev/null</c> on the same endpoint. Printed, never asserted: timing is the
/// benchmarks' business (the brief's target is 80% of curl).
/// </summary>
public sealed class BlobServerThroughputTests(ITestOutputHelper output)
{
    private const long Size = 256L * 1024 * 1024;

    [Fact]
    public async Task A_256_MiB_blob_against_curl()
    {
        using var store = new TestStore();
        var blob = await store.AddRandomAsync(Size);
        await using var server = new BlobServer(store.Store);
        server.Start();
        var url = new Uri(server.BaseUri, "v2/_img/blobs/" + blob.Digest);
        using var client = new RegistryClient($"127.0.0.1:{server.EndPoint.Port}");
        using var target = new TestStore();

        var curl = await BestAsync(async () => await CurlAsync(url));
        var hashed = await BestAsync(async () => Assert.Equal(Size, await client.GetBlobAsync("_img", blob, Stream.Null)));
        var stored = await BestAsync(async () =>
        {
            await target.Store.DeleteAsync(Engine.Content.Digest.Parse(blob.Digest));
            await client.GetBlobAsync("_img", blob, target.Store);
        });

        output.WriteLine("256 MiB from the blob server on loopback (best of 3):");
        output.WriteLine($"  curl -s -o /dev/null                          {Rate(curl)}");
        output.WriteLine($"  RegistryClient, verified, to no file         {Rate(hashed)}  {Share(curl, hashed)}");
        output.WriteLine($"  RegistryClient into a content store (fsync)  {Rate(stored)}  {Share(curl, stored)}");
    }

    private static string Rate(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{Size / 1048576.0 / elapsed.TotalSeconds,8:F0} MiB/s");

    private static string Share(TimeSpan curl, TimeSpan other) =>
        string.Create(CultureInfo.InvariantCulture, $"({curl.TotalSeconds / other.TotalSeconds * 100:F0}% of curl)");

    private static async Task<TimeSpan> BestAsync(Func<Task> run)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            if (watch.Elapsed < best)
                best = watch.Elapsed;
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
