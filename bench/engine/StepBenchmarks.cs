using System.Diagnostics;
using Img.Engine.Execution;
using Img.Engine.Execution.Runc;
using Img.Engine.Snapshots;
using Img.Engine.Tests.Snapshots;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Execution;

/// <summary>
/// The engine side of steps50 without the actors and the cache journal: 50 chained RUN steps
/// (<c>echo N &gt; /fN</c>) on an overlayfs snapshot chain, each one prepare, run, commit, as
/// <c>ExecOpExecutor</c> does them. Prints the median of each part.
/// </summary>
public sealed class StepBenchmarks(ITestOutputHelper output)
{
    private const int Steps = 50;

    [Fact]
    public async Task Fifty_chained_run_steps()
    {
        Requirements.Runc();
        using var dir = new TestDirectory("img-bench");
        using ISnapshotter sn = SnapshotterFactory.Create("overlayfs", dir.Sub("snap")).Snapshotter;
        var parts = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var phase = new Stopwatch();
        var shared = Environment.GetEnvironmentVariable("IMG_BENCH_SHARED_DEVICE_CGROUP") is not "0";
        var runtime = new RuncRuntime(new RuncRuntimeOptions(dir.Sub("state"), SharedDeviceCgroup: shared, Trace: part =>
        {
            Add("2." + part, phase.Elapsed.TotalMilliseconds);
            phase.Restart();
        }));
        output.WriteLine($"shared device cgroup: {runtime.SharedDeviceCgroup} ({runtime.PerContainerCgroupsReason ?? "runc creates none"})");
        await BusyboxRootfs.CommitAsync(sn, "base", dir.Path);

        void Add(string part, double ms)
        {
            if (!parts.TryGetValue(part, out var list))
            {
                parts[part] = list = [];
            }
            list.Add(ms);
        }

        string parent = "base";
        var total = Stopwatch.StartNew();
        for (int i = 1; i <= Steps; i++)
        {
            var step = Stopwatch.StartNew();
            var sw = Stopwatch.StartNew();
            string key = "active-" + i;
            var mounts = await sn.PrepareAsync(key, parent);
            Add("1 prepare", sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            phase.Restart();
            int exit = await runtime.RunAsync(new ExecSpec { Args = ["/bin/sh", "-c", $"echo {i} > /f{i}"] }, mounts, ExecOutput.Discard);
            Add("2 run", sw.Elapsed.TotalMilliseconds);
            if (exit != 0)
            {
                throw new InvalidOperationException($"step {i}: exit {exit}");
            }
            sw.Restart();
            string name = "step-" + i;
            await sn.CommitAsync(name, key);
            Add("3 commit", sw.Elapsed.TotalMilliseconds);
            Add("step", step.Elapsed.TotalMilliseconds);
            parent = name;
        }
        output.WriteLine($"{Steps} steps in {total.Elapsed.TotalMilliseconds:F0} ms; load {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var (part, list) in parts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            list.Sort();
            output.WriteLine($"{part,-12} median {list[list.Count / 2],6:F2} ms   p25 {list[list.Count / 4],6:F2}   p75 {list[list.Count * 3 / 4],6:F2}");
        }
    }
}
