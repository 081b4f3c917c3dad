using System.Diagnostics;
using Img.Engine.Execution;
using Img.Engine.Execution.Runc;
using Img.Engine.Snapshots;
using Img.Engine.Tests.Snapshots;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Execution;

public sealed class RuncBenchmarks(ITestOutputHelper output)
{
    [Fact]
    public async Task Trivial_run_latency()
    {
        Requirements.Runc();
        using var dir = new TestDirectory("img-bench");
        using ISnapshotter sn = SnapshotterFactory.Create("overlayfs", dir.Sub("snap")).Snapshotter;
        var runtime = new RuncRuntime(new RuncRuntimeOptions(dir.Sub("state")));
        await BusyboxRootfs.CommitAsync(sn, "base", dir.Path);
        var prepare = new List<double>();
        var run = new List<double>();
        for (int i = 0; i < 25; i++)
        {
            var sw = Stopwatch.StartNew();
            var mounts = await sn.PrepareAsync("r" + i, "base");
            double p = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            int exit = await runtime.RunAsync(new ExecSpec { Args = ["true"] }, mounts, ExecOutput.Discard);
            double r = sw.Elapsed.TotalMilliseconds;
            if (exit != 0)
            {
                throw new InvalidOperationException("exit " + exit);
            }
            if (i >= 5)
            {
                prepare.Add(p);
                run.Add(r);
            }
        }
        run.Sort();
        output.WriteLine($"prepare snapshot: median {prepare.Order().ElementAt(prepare.Count / 2):F1} ms");
        output.WriteLine($"RunAsync(true): median {run[run.Count / 2]:F1} ms, min {run[0]:F1} ms, max {run[^1]:F1} ms");
    }
}
