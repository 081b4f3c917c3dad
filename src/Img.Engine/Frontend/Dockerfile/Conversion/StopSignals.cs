using System.Globalization;
using System.Text.RegularExpressions;
using Img.Engine.Frontend.Dockerfile.Instructions;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>STOPSIGNAL validation as <c>moby/sys/signal.ParseSignal</c> does it on Linux.</summary>
internal static partial class StopSignals
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE",
        "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU",
        "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
    };

    [GeneratedRegex(@"^RTMIN\+([1-9]|1[0-5])$|^RTMAX-([1-9]|1[0-4])$")]
    private static partial Regex Realtime();

    public static void Validate(string raw)
    {
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            if (number == 0)
                throw new InstructionException($"invalid signal: {raw}");
            return;
        }
        var name = raw.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
            name = name[3..];
        if (!Names.Contains(name) && !Realtime().IsMatch(name))
            throw new InstructionException($"invalid signal: {raw}");
    }
}
