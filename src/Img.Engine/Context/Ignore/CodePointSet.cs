using System.Globalization;
using System.Text;

namespace Img.Engine.Context.Ignore;

/// <summary>
/// A set of Unicode code points as sorted ranges, written out as a .NET expression that matches
/// one code point of the set. Go's regexp works on code points while .NET's works on UTF-16 units,
/// so characters outside the Basic Multilingual Plane are matched as surrogate pairs.
/// </summary>
internal sealed class CodePointSet
{
    private const int MaxCodePoint = 0x10FFFF;
    private readonly List<(int Lo, int Hi)> _ranges = [];

    public static CodePointSet Of(params (int Lo, int Hi)[] ranges)
    {
        var set = new CodePointSet();
        foreach (var (lo, hi) in ranges)
        {
            set.Add(lo, hi);
        }
        return set;
    }

    public void Add(int lo, int hi) => _ranges.Add((lo, hi));

    public void Add(CodePointSet other) => _ranges.AddRange(other._ranges);

    public CodePointSet Negate()
    {
        var result = new CodePointSet();
        int next = 0;
        foreach (var (lo, hi) in Normalized())
        {
            if (lo > next)
            {
                result.Add(next, lo - 1);
            }
            next = hi + 1;
        }
        if (next <= MaxCodePoint)
        {
            result.Add(next, MaxCodePoint);
        }
        return result;
    }

    public string ToRegex()
    {
        var alternatives = new List<string>();
        var bmp = new StringBuilder();
        foreach (var (lo, hi) in Normalized())
        {
            // Basic plane, without the surrogate block (surrogates are never characters on their own).
            AppendBmp(bmp, lo, Math.Min(hi, 0xD7FF));
            AppendBmp(bmp, Math.Max(lo, 0xE000), Math.Min(hi, 0xFFFF));
            AppendAstral(alternatives, Math.Max(lo, 0x10000), hi);
        }
        if (bmp.Length > 0)
        {
            alternatives.Insert(0, "[" + bmp + "]");
        }
        return alternatives.Count switch
        {
            0 => "(?!)",
            1 => alternatives[0],
            _ => "(?:" + string.Join('|', alternatives) + ")",
        };
    }

    private List<(int Lo, int Hi)> Normalized()
    {
        var sorted = _ranges.Where(r => r.Lo <= r.Hi).OrderBy(r => r.Lo).ToList();
        var merged = new List<(int Lo, int Hi)>();
        foreach (var range in sorted)
        {
            if (merged.Count > 0 && range.Lo <= merged[^1].Hi + 1)
            {
                merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, range.Hi));
            }
            else
            {
                merged.Add(range);
            }
        }
        return merged;
    }

    private static void AppendBmp(StringBuilder sb, int lo, int hi)
    {
        if (lo > hi)
        {
            return;
        }
        sb.Append(Escape(lo));
        if (hi > lo)
        {
            sb.Append('-').Append(Escape(hi));
        }
    }

    private static void AppendAstral(List<string> alternatives, int lo, int hi)
    {
        if (lo > hi)
        {
            return;
        }
        var (loHigh, loLow) = Surrogates(lo);
        var (hiHigh, hiLow) = Surrogates(hi);
        if (loHigh == hiHigh)
        {
            alternatives.Add($"{Escape(loHigh)}[{Escape(loLow)}-{Escape(hiLow)}]");
            return;
        }
        alternatives.Add($"{Escape(loHigh)}[{Escape(loLow)}-\\uDFFF]");
        if (hiHigh - loHigh > 1)
        {
            alternatives.Add($"[{Escape(loHigh + 1)}-{Escape(hiHigh - 1)}][\\uDC00-\\uDFFF]");
        }
        alternatives.Add($"{Escape(hiHigh)}[\\uDC00-{Escape(hiLow)}]");
    }

    private static (int High, int Low) Surrogates(int codePoint)
    {
        int v = codePoint - 0x10000;
        return (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
    }

    private static string Escape(int unit) => "\\u" + unit.ToString("X4", CultureInfo.InvariantCulture);
}
