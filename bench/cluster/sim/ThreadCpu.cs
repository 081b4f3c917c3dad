namespace Img.Bench.ClusterSim;

/// <summary>CPU time of this process's threads by name (Linux: /proc/self/task), for the dedicated dispatchers of --cpu-split.</summary>
internal static class ThreadCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    /// <summary>Milliseconds of CPU (user + system) per thread name prefix, summed over the threads whose name starts with it.</summary>
    public static Dictionary<string, double> ByPrefix(IReadOnlyList<string> prefixes)
    {
        var result = prefixes.ToDictionary(p => p, _ => 0.0);
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                var prefix = prefixes.FirstOrDefault(p => comm.StartsWith(p, StringComparison.Ordinal));
                if (prefix is null)
                    continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // after "pid (comm) ": state is field 3, utime 14, stime 15
                result[prefix] += (long.Parse(fields[11]) + long.Parse(fields[12])) * 1000 / TicksPerSecond;
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return result;
    }

    /// <summary>Every thread's name, for finding the dispatchers' naming.</summary>
    public static IEnumerable<string> Names() =>
        Directory.EnumerateDirectories("/proc/self/task").Select(t =>
        {
            try { return File.ReadAllText(Path.Combine(t, "comm")).Trim(); }
            catch (IOException) { return ""; }
        });
}
