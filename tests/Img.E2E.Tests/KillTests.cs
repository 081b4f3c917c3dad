using System.Diagnostics;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>An img killed with SIGKILL in the middle of a RUN takes its container with it.</summary>
[Collection(E2ECollection.Name)]
public sealed class KillTests(ImgFixture fixture)
{
    [Fact]
    public async Task Sigkill_during_a_run_kills_the_container_and_the_next_build_works()
    {
        var img = await fixture.NewStateAsync();
        var seconds = 600 + Random.Shared.Next(1000, 9000); // a sleep no other process runs
        var ctx = ContextDir.Create(fixture, $"FROM busybox\nRUN echo started && sleep {seconds}\n");

        var start = new ProcessStartInfo(fixture.Binary)
        {
            WorkingDirectory = ctx,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "--state", img.State, "build", "--progress=plain", ctx },
        };
        start.Environment.Remove("IMG_STATE");
        using var build = Process.Start(start)!;
        var started = new TaskCompletionSource();
        build.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("started") == true) started.TrySetResult();
        };
        build.OutputDataReceived += (_, _) => { };
        build.BeginErrorReadLine();
        build.BeginOutputReadLine();
        await started.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var sleeper = await WaitForAsync(() => SleepProcesses(seconds).Any(), TimeSpan.FromSeconds(10));
        Assert.True(sleeper, "the RUN's sleep never showed up");

        build.Kill(entireProcessTree: false); // SIGKILL, img alone
        await build.WaitForExitAsync();

        var gone = await WaitForAsync(() => !SleepProcesses(seconds).Any(), TimeSpan.FromSeconds(5));
        Assert.True(gone, $"the container's sleep {seconds} outlived the killed img by 5 s");

        var next = ContextDir.Create(fixture, "FROM busybox\nRUN echo after-kill > /after.txt\n");
        (await img.BuildAsync(next, "-t", "e2e/after-kill")).AssertSuccess();
        Assert.Equal("after-kill\n", (await img.UnpackAsync("e2e/after-kill")).Text("/after.txt"));
    }

    private static IEnumerable<int> SleepProcesses(int seconds)
    {
        var wanted = $"sleep\0{seconds}\0";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Join(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            if (cmdline == wanted) yield return pid;
        }
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }
        return condition();
    }
}
