using System.Globalization;

namespace Img.Cli.Progress;

/// <summary>
/// Sizes as BuildKit's progress prints them: whole bytes below 1000 (<c>521B</c>), else decimal
/// units with two decimals (<c>2.34kB</c>, <c>1.00MB</c>).
/// </summary>
public static class DecimalBytes
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

    public static string Format(long bytes)
    {
        if (bytes < 1000)
            return bytes.ToString(CultureInfo.InvariantCulture) + "B";
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < Units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return value.ToString("0.00", CultureInfo.InvariantCulture) + Units[unit];
    }
}
