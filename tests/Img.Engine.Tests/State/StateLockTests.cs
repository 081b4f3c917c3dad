using Img.Engine.State;
using Xunit;

namespace Img.Engine.Tests.State;

public sealed class StateLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("img-lock-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Each StateLock opens its own file description, and flock locks conflict between open file
    // descriptions exactly as between processes, so this exercises the cross-process mechanism.
    [Fact]
    public async Task Second_holder_waits_reports_once_and_gets_the_lock_after_release()
    {
        var first = await StateLock.AcquireAsync(_dir, null);
        var messages = new List<string>();
        var second = StateLock.AcquireAsync(_dir, m => { lock (messages) messages.Add(m); }).AsTask();
        // the waiting message says the second holder found the lock taken and is waiting
        var deadline = DateTime.UtcNow.AddSeconds(30);
        bool Waiting() { lock (messages) return messages.Count > 0; }
        while (!Waiting() && !second.IsCompleted && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.False(second.IsCompleted);
        Assert.Null(StateLock.TryAcquire(_dir));
        first.Dispose();
        using var acquired = await second.WaitAsync(TimeSpan.FromSeconds(10));
        var message = Assert.Single(messages);
        Assert.Equal($"waiting for lock on {_dir}/lock held by another img process...", message);
    }

    [Fact]
    public async Task Free_lock_is_taken_without_a_message()
    {
        var messages = new List<string>();
        using (await StateLock.AcquireAsync(_dir, messages.Add)) { }
        using (var again = StateLock.TryAcquire(_dir)) Assert.NotNull(again);
        Assert.Empty(messages);
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        using var first = await StateLock.AcquireAsync(_dir, null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StateLock.AcquireAsync(_dir, null, cts.Token).AsTask());
    }

    [Fact]
    public async Task Lock_is_held_against_another_process()
    {
        using var held = await StateLock.AcquireAsync(_dir, null);
        // flock(1) from util-linux, in a real second process, cannot take the lock.
        if (!File.Exists("/usr/bin/flock")) return;
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/flock", ["--nonblock", Path.Combine(_dir, "lock"), "true"]);
        using var p = System.Diagnostics.Process.Start(psi)!;
        await p.WaitForExitAsync();
        Assert.NotEqual(0, p.ExitCode);
        held.Dispose();
        using var p2 = System.Diagnostics.Process.Start(psi)!;
        await p2.WaitForExitAsync();
        Assert.Equal(0, p2.ExitCode);
    }
}
