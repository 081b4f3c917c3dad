namespace Img.Engine.Snapshots;

/// <summary>Identifies a process by pid plus start time, so a recycled pid is not mistaken for a live owner.</summary>
internal static class ProcessIdentity
{
    public static readonly int CurrentPid = Environment.ProcessId;
    public static readonly long CurrentStart = StartTime(CurrentPid) ?? 0;

    /// <summary>True when the process with this pid exists and started at <paramref name="start"/>.</summary>
    public static bool IsAlive(int pid, long start)
    {
        if (pid <= 0)
        {
            return false;
        }
        long? actual = StartTime(pid);
        return actual is not null && actual.Value == start;
    }

    /// <summary>Field 22 of <c>/proc/PID/stat</c> (start time since boot, in clock ticks).</summary>
    public static long? StartTime(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        int close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        // After ")" come fields 3.. separated by spaces; field 22 is index 19 of that list.
        string[] rest = text[(close + 2)..].Split(' ');
        return rest.Length > 19 && long.TryParse(rest[19], out long v) ? v : null;
    }
}
