using Img.Engine.Archive;
using Img.Engine.Native;

namespace Img.Engine.State;

/// <summary>
/// The exclusive lock one img process holds on a state directory for the whole of a command
/// (an advisory <c>flock</c> on <c>&lt;state&gt;/lock</c>, so the kernel drops it when the
/// process dies, even by SIGKILL). A second process waits, after reporting once
/// <c>waiting for lock on &lt;dir&gt;/lock held by another img process...</c>.
/// Dispose to release.
/// </summary>
public sealed class StateLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private int _fd;

    private StateLock(int fd, string path)
    {
        _fd = fd;
        LockPath = path;
    }

    /// <summary>The lock file.</summary>
    public string LockPath { get; }

    /// <summary>The message reported while waiting for <paramref name="lockPath"/>.</summary>
    public static string WaitingMessage(string lockPath) =>
        $"waiting for lock on {lockPath} held by another img process...";

    /// <summary>
    /// Takes the lock on <paramref name="stateRoot"/> (created if missing), waiting as long as
    /// another process holds it. <paramref name="onWaiting"/> is called once, with
    /// <see cref="WaitingMessage"/>, when the lock is busy.
    /// </summary>
    public static async ValueTask<StateLock> AcquireAsync(string stateRoot, Action<string>? onWaiting, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(stateRoot);
        var path = Path.Combine(Path.GetFullPath(stateRoot), StateDirectory.LockFileName);
        var fd = Posix.OpenForLock(path);
        try
        {
            var reported = false;
            while (!Posix.TryLockExclusive(fd, path))
            {
                if (!reported)
                {
                    onWaiting?.Invoke(WaitingMessage(path));
                    reported = true;
                }
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            return new StateLock(fd, path);
        }
        catch
        {
            Posix.Close(fd);
            throw;
        }
    }

    /// <summary>Takes the lock if it is free; null when another process holds it.</summary>
    public static StateLock? TryAcquire(string stateRoot)
    {
        Directory.CreateDirectory(stateRoot);
        var path = Path.Combine(Path.GetFullPath(stateRoot), StateDirectory.LockFileName);
        var fd = Posix.OpenForLock(path);
        if (Posix.TryLockExclusive(fd, path)) return new StateLock(fd, path);
        Posix.Close(fd);
        return null;
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0) return;
        Posix.Unlock(fd);
        Posix.Close(fd);
    }
}
