using System.Globalization;
using Img.Cli.CommandLine;
using Img.Engine.Graph;

namespace Img.Cli.Commands.Build;

/// <summary>
/// <c>--ulimit NAME=SOFT[:HARD]</c> as docker reads it (go-units <c>ParseUlimit</c>): the names
/// docker knows, numbers (-1 = unlimited), hard defaulting to soft, soft at most hard. A later
/// value for the same name replaces the earlier one. Errors are flag errors (exit 125).
/// </summary>
public static class UlimitSpec
{
    /// <summary>go-units' names (each a Linux <c>RLIMIT_*</c>).</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
    };

    public static IReadOnlyList<Ulimit> Parse(IEnumerable<string> values, string command)
    {
        var byName = new Dictionary<string, Ulimit>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var value in values)
        {
            var (limit, error) = ParseOne(value);
            if (limit is null)
                throw Invalid(value, error!, command);
            if (!byName.ContainsKey(limit.Name))
                order.Add(limit.Name);
            byName[limit.Name] = limit;
        }
        return [.. order.Select(n => byName[n])];
    }

    private static UsageException Invalid(string value, string reason, string command) =>
        new($"invalid argument \"{value}\" for \"--ulimit\" flag: {reason}", command);

    private static (Ulimit? Limit, string? Error) ParseOne(string value)
    {
        var parts = value.Split('=', 2);
        if (parts.Length != 2)
            return (null, $"invalid ulimit argument: {value}");
        var name = parts[0];
        if (!Names.Contains(name))
            return (null, $"invalid ulimit type: {name}");
        var limits = parts[1].Split(':');
        if (limits.Length > 2)
            return (null, $"too many limit value arguments - {parts[1]}, can only have up to two, `soft[:hard]`");
        if (!long.TryParse(limits[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var soft))
            return (null, $"strconv.ParseInt: parsing \"{limits[0]}\": invalid syntax");
        var hard = soft;
        if (limits.Length == 2 && !long.TryParse(limits[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out hard))
            return (null, $"strconv.ParseInt: parsing \"{limits[1]}\": invalid syntax");
        if (soft > hard)
            return (null, $"ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}");
        return (new Ulimit(name, soft, hard), null);
    }
}
