using System.Diagnostics;

namespace Img.Cli.Hosting;

/// <summary>With <c>--debug</c>, prints how long after process start each phase of a command ended.</summary>
public sealed class StartupTrace(TextWriter output, bool enabled)
{
    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime;

    public void Mark(string phase)
    {
        if (!enabled) return;
        var ms = (DateTime.Now - ProcessStart).TotalMilliseconds;
        // methods compiled at run time are what ReadyToRun missed: the first suspect of a slow phase
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitMs = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;
        lock (output) output.WriteLine($"DEBUG: {ms,7:0} ms {phase} (jit: {jitted} methods, {jitMs:0} ms)");
    }
}
