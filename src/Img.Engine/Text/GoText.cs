using System.Text;

namespace Img.Engine.Text;

/// <summary>
/// BuildKit reads a Dockerfile as Go strings: raw bytes that are usually, but not always,
/// UTF-8. To reproduce its output byte for byte we keep every byte that is not valid UTF-8 as a
/// lone low surrogate U+DC80..U+DCFF (the "surrogateescape" trick), so the text converts back to
/// the exact original bytes and the quoter can print such bytes as <c>\x..</c> like Go does.
/// </summary>
internal static class GoText
{
    public const int RuneError = 0xFFFD;
    private const int EscapeBase = 0xDC00;

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        var i = 0;
        while (i < bytes.Length)
        {
            var b0 = bytes[i];
            if (b0 < 0x80)
            {
                sb.Append((char)b0);
                i++;
                continue;
            }
            var width = ValidSequenceLength(bytes[i..]);
            if (width == 0)
            {
                sb.Append((char)(EscapeBase + b0));
                i++;
                continue;
            }
            var rune = width switch
            {
                2 => ((b0 & 0x1F) << 6) | (bytes[i + 1] & 0x3F),
                3 => ((b0 & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F),
                _ => ((b0 & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6) | (bytes[i + 3] & 0x3F),
            };
            sb.Append(new Rune(rune).ToString());
            i += width;
        }
        return sb.ToString();
    }

    // Same acceptance rules as Go's utf8.DecodeRune: no overlongs, no surrogates, max U+10FFFF.
    private static int ValidSequenceLength(ReadOnlySpan<byte> s)
    {
        static bool Cont(ReadOnlySpan<byte> s, int i, byte lo = 0x80, byte hi = 0xBF) =>
            i < s.Length && s[i] >= lo && s[i] <= hi;

        var b0 = s[0];
        if (b0 >= 0xC2 && b0 <= 0xDF)
            return Cont(s, 1) ? 2 : 0;
        if (b0 >= 0xE0 && b0 <= 0xEF)
        {
            var (lo, hi) = b0 switch { 0xE0 => ((byte)0xA0, (byte)0xBF), 0xED => ((byte)0x80, (byte)0x9F), _ => ((byte)0x80, (byte)0xBF) };
            return Cont(s, 1, lo, hi) && Cont(s, 2) ? 3 : 0;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4)
        {
            var (lo, hi) = b0 switch { 0xF0 => ((byte)0x90, (byte)0xBF), 0xF4 => ((byte)0x80, (byte)0x8F), _ => ((byte)0x80, (byte)0xBF) };
            return Cont(s, 1, lo, hi) && Cont(s, 2) && Cont(s, 3) ? 4 : 0;
        }
        return 0;
    }

    public static byte[] Encode(string text)
    {
        var bytes = new List<byte>(text.Length);
        Span<byte> buf = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsEscapedByte(text, i))
            {
                bytes.Add((byte)(c - EscapeBase));
                continue;
            }
            Rune rune;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                rune = new Rune(c, text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
                rune = Rune.ReplacementChar;
            else
                rune = new Rune(c);
            var n = rune.EncodeToUtf8(buf);
            for (var k = 0; k < n; k++)
                bytes.Add(buf[k]);
        }
        return bytes.ToArray();
    }

    /// <summary>True when the char at <paramref name="i"/> stands for one raw non-UTF-8 byte.</summary>
    public static bool IsEscapedByte(string text, int i)
    {
        var c = text[i];
        return c >= EscapeBase + 0x80 && c <= EscapeBase + 0xFF
            && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
    }

    /// <summary>
    /// Code points as Go's range loop yields them: each raw byte becomes U+FFFD, width one.
    /// </summary>
    public static int[] Runes(string text)
    {
        var runes = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                runes.Add(char.ConvertToUtf32(c, text[i + 1]));
                i++;
            }
            else
                runes.Add(char.IsSurrogate(c) ? RuneError : c);
        }
        return runes.ToArray();
    }

    public static string FromRunes(IEnumerable<int> runes)
    {
        var sb = new StringBuilder();
        foreach (var r in runes)
            AppendRune(sb, r);
        return sb.ToString();
    }

    public static void AppendRune(StringBuilder sb, int rune)
    {
        if (rune < 0 || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF))
            rune = RuneError;
        sb.Append(new Rune(rune).ToString());
    }

    /// <summary>Go's unicode.IsSpace.</summary>
    public static bool IsSpace(int r) => r switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or 0x85 or 0xA0 => true,
        0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    // A char that is not part of a surrogate pair; raw bytes and lone surrogates are never spaces.
    private static bool IsSpaceChar(char c) => !char.IsSurrogate(c) && IsSpace(c);

    /// <summary>Go's strings.TrimSpace. No space is outside the BMP, so chars suffice.</summary>
    public static string TrimSpace(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsSpaceChar(s[start]))
            start++;
        while (end > start && IsSpaceChar(s[end - 1]))
            end--;
        return s[start..end];
    }

    public static string TrimLeftSpace(string s)
    {
        var start = 0;
        while (start < s.Length && IsSpaceChar(s[start]))
            start++;
        return s[start..];
    }
}
