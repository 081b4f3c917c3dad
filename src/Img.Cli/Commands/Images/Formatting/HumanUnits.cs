using System.Globalization;

namespace Img.Cli.Commands.Images.Formatting;

/// <summary>Sizes and ages as img and docker print them: <c>1.534KiB</c>, <c>9 seconds ago</c>.</summary>
public static class HumanUnits
{
    private static readonly string[] BinaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    /// <summary>Binary units with four significant digits, trailing zeros dropped: <c>591B</c>, <c>1.534KiB</c>, <c>1.08GiB</c>.</summary>
    public static string Size(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < BinaryUnits.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("G4", CultureInfo.InvariantCulture) + BinaryUnits[unit];
    }

    /// <summary>A duration in words: <c>Less than a second</c>, <c>About a minute</c>, <c>3 hours</c>, <c>2 weeks</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return $"{seconds} seconds";
        var minutes = (long)duration.TotalMinutes;
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return $"{minutes} minutes";
        var hours = (long)Math.Round(duration.TotalHours, MidpointRounding.AwayFromZero);
        if (hours == 1) return "About an hour";
        if (hours < 48) return $"{hours} hours";
        if (hours < 24 * 7 * 2) return $"{hours / 24} days";
        if (hours < 24 * 30 * 2) return $"{hours / 24 / 7} weeks";
        if (hours < 24 * 365 * 2) return $"{hours / 24 / 30} months";
        return $"{(long)duration.TotalHours / 24 / 365} years";
    }

    /// <summary><c>N minutes ago</c> for a time in the past.</summary>
    public static string Ago(DateTimeOffset time, DateTimeOffset now) => Duration(now - time) + " ago";

    /// <summary>A timestamp as docker prints one in formats: <c>2024-05-01 12:00:00 +0000 UTC</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss '+0000 UTC'", CultureInfo.InvariantCulture);
}
