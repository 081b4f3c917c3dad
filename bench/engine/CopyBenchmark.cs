using System.Diagnostics;
using Img.Engine.Tests.Snapshots;
using Xunit;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Operations.Files;

/// <summary>COPY . /app of a 20,000-file context (IMG_BENCH=1); prints files per second.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CopyBenchmark(ITestOutputHelper output) : IDisposable
{
    private readonly FileOpFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Context_copy_of_20000_files()
    {
        var payload = new byte[2048];
        Random.Shared.NextBytes(payload);
        for (int d = 0; d < 200; d++)
        {
            string dir = Path.Join(_f.Context, $"pkg{d:D3}", "src");
            Directory.CreateDirectory(dir);
            for (int i = 0; i < 100; i++) File.WriteAllBytes(Path.Join(dir, $"file{i:D3}.go"), payload);
        }

        var sw = Stopwatch.StartNew();
        await _f.CopyAsync("/", "/app/");
        sw.Stop();

        int copied = Directory.EnumerateFiles(_f.InRoot("app"), "*", SearchOption.AllDirectories).Count();
        Assert.Equal(20000, copied);
        output.WriteLine($"copied {copied} files (2 KiB each) in {sw.Elapsed.TotalMilliseconds:F0} ms: {copied / sw.Elapsed.TotalSeconds:F0} files/s");
    }
}
