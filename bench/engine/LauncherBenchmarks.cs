using System.Diagnostics;
using Img.Engine.Execution.Runc;
using Img.Engine.Tests.Snapshots;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Execution;

/// <summary>What starting a process through the runc launcher costs, with and without the shared devices cgroup (root).</summary>
public sealed class LauncherBenchmarks(ITestOutputHelper output)
{
    [Fact]
    public async Task Start_latency()
    {
        Requirements.Root();
        foreach (var shared in new[] { false, true, false, true })
        {
            var launcher = RuncLauncher.Create(rootless: false, allowShared: shared);
            var times = new List<double>();
            for (int i = 0; i < 60; i++)
            {
                var psi = new ProcessStartInfo("/bin/true") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
                var sw = Stopwatch.StartNew();
                using var p = await launcher.StartAsync(psi);
                times.Add(sw.Elapsed.TotalMilliseconds);
                await p.WaitForExitAsync();
            }
            times.Sort();
            output.WriteLine($"shared device cgroup {launcher.SharedDeviceCgroup}: start median {times[30]:F3} ms, p10 {times[6]:F3}, p90 {times[54]:F3}");
        }
    }
}
