using Img.Engine.Native;

namespace Img.Cli.Hosting;

/// <summary>
/// The rootless child's guard against outliving the <c>img</c> that started it: the outer
/// process forwards signals, but a SIGKILL reaches only itself, and the build inside would go on
/// holding the state lock and its containers. When this process's parent changes (the outer
/// one died and the child was re-parented), it sends itself SIGTERM, which cancels the build the
/// usual way: containers killed, mounts undone, exit 130.
/// <para>
/// PR_SET_PDEATHSIG would be immediate but fires when the parent <em>thread</em> that forked
/// the child exits, and .NET starts processes from pool threads that come and go.
/// </para>
/// </summary>
internal static class OrphanWatch
{
    private const int SigTerm = 15;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Starts watching the current parent on a background thread.</summary>
    public static void Start()
    {
        var parent = Posix.GetParentProcessId();
        var thread = new Thread(() => Watch(parent)) { IsBackground = true, Name = "img orphan watch" };
        thread.Start();
    }

    private static void Watch(int parent)
    {
        while (Posix.GetParentProcessId() == parent)
            Thread.Sleep(Interval);
        _ = Posix.Kill(Environment.ProcessId, SigTerm);
    }
}
