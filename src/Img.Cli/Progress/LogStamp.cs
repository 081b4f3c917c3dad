using System.Globalization;

namespace Img.Cli.Progress;

/// <summary>
/// BuildKit's stamp on an output line: the seconds since its vertex started, three decimals
/// under 10 s, two under 100 s, then one (<c>0.054 start</c>, <c>12.50 done</c>).
/// </summary>
public static class LogStamp
{
    public static string Apply(double seconds, string line) =>
        seconds.ToString(seconds < 10 ? "0.000" : seconds < 100 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " " + line;

    /// <summary>The line without its stamp.</summary>
    public static string Remove(string stamped) => stamped[(stamped.IndexOf(' ') + 1)..];
}
