using System.Globalization;
using System.Text;

namespace Img.Engine.Text;

/// <summary>
/// Go's <c>strconv.Quote</c> (what <c>%q</c> prints for a string). BuildKit's AST dump, its
/// parser and shell-expansion errors and its history lines use it, so the golden files and the
/// messages users compare with docker build's depend on its exact escapes. Raw non-UTF-8 bytes
/// (see <see cref="GoText"/>) print as <c>\x..</c>, like Go.
/// </summary>
internal static class GoQuote
{
    private const string Hex = "0123456789abcdef";

    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (GoText.IsEscapedByte(s, i))
            {
                var b = c - 0xDC00;
                sb.Append("\\x").Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
                continue;
            }
            int r;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                r = char.ConvertToUtf32(c, s[i + 1]);
                i++;
            }
            else
                r = char.IsSurrogate(c) ? GoText.RuneError : c;
            AppendEscapedRune(sb, r);
        }
        sb.Append('"');
        return sb.ToString();
    }

    private static void AppendEscapedRune(StringBuilder sb, int r)
    {
        if (r == '"' || r == '\\')
        {
            sb.Append('\\').Append((char)r);
            return;
        }
        if (IsPrint(r))
        {
            GoText.AppendRune(sb, r);
            return;
        }
        switch (r)
        {
            case '\a': sb.Append("\\a"); return;
            case '\b': sb.Append("\\b"); return;
            case '\f': sb.Append("\\f"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
            case '\v': sb.Append("\\v"); return;
        }
        if (r < ' ' || r == 0x7F)
            sb.Append("\\x").Append(Hex[r >> 4]).Append(Hex[r & 0xF]);
        else if (r < 0x10000)
            AppendHex(sb, "\\u", r, 4);
        else
            AppendHex(sb, "\\U", r, 8);
    }

    private static void AppendHex(StringBuilder sb, string prefix, int r, int digits)
    {
        sb.Append(prefix);
        for (var shift = (digits - 1) * 4; shift >= 0; shift -= 4)
            sb.Append(Hex[(r >> shift) & 0xF]);
    }

    /// <summary>Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.</summary>
    public static bool IsPrint(int r)
    {
        if (r == ' ')
            return true;
        switch (CharUnicodeInfo.GetUnicodeCategory(r))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
            case UnicodeCategory.ConnectorPunctuation:
            case UnicodeCategory.DashPunctuation:
            case UnicodeCategory.OpenPunctuation:
            case UnicodeCategory.ClosePunctuation:
            case UnicodeCategory.InitialQuotePunctuation:
            case UnicodeCategory.FinalQuotePunctuation:
            case UnicodeCategory.OtherPunctuation:
            case UnicodeCategory.MathSymbol:
            case UnicodeCategory.CurrencySymbol:
            case UnicodeCategory.ModifierSymbol:
            case UnicodeCategory.OtherSymbol:
                return true;
            default:
                return false;
        }
    }

    /// <summary>Go's <c>%q</c> of a []string: <c>["a" "b"]</c>.</summary>
    public static string QuoteList(IEnumerable<string> items) =>
        "[" + string.Join(" ", items.Select(Quote)) + "]";
}
