using System.Text;
using System.Text.RegularExpressions;

namespace Img.Engine.Context.Ignore;

/// <summary>
/// Translates the Go (RE2, Perl flags) regular expression patternmatcher builds from a pattern into
/// an equivalent .NET one. patternmatcher copies <c>[...]</c> and escaped characters into its
/// expression as written, so the pattern's meaning is Go's regexp syntax, not glob syntax
/// (<c>[[:digit:]]</c> and <c>\d</c> work; a <c>*</c> inside brackets turns into <c>[^/]*</c> first).
/// Go's classes are ASCII (<c>\d</c>, <c>\w</c>, <c>\s</c>, <c>\b</c>) and it matches code points;
/// both are preserved. Unicode classes (<c>\p{...}</c>) are not supported and fail like a bad pattern.
/// </summary>
internal static class GoRegexTranslator
{
    private static readonly CodePointSet Digits = CodePointSet.Of(('0', '9'));
    private static readonly CodePointSet Spaces = CodePointSet.Of(('\t', '\n'), ('\f', '\r'), (' ', ' '));
    private static readonly CodePointSet WordChars = CodePointSet.Of(('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_'));
    private const string WordClass = "[0-9A-Za-z_]";

    private static readonly Dictionary<string, CodePointSet> PosixClasses = new(StringComparer.Ordinal)
    {
        ["alnum"] = CodePointSet.Of(('0', '9'), ('A', 'Z'), ('a', 'z')),
        ["alpha"] = CodePointSet.Of(('A', 'Z'), ('a', 'z')),
        ["ascii"] = CodePointSet.Of((0, 0x7F)),
        ["blank"] = CodePointSet.Of(('\t', '\t'), (' ', ' ')),
        ["cntrl"] = CodePointSet.Of((0, 0x1F), (0x7F, 0x7F)),
        ["digit"] = CodePointSet.Of(('0', '9')),
        ["graph"] = CodePointSet.Of(('!', '~')),
        ["lower"] = CodePointSet.Of(('a', 'z')),
        ["print"] = CodePointSet.Of((' ', '~')),
        ["punct"] = CodePointSet.Of(('!', '/'), (':', '@'), ('[', '`'), ('{', '~')),
        ["space"] = CodePointSet.Of(('\t', '\r'), (' ', ' ')),
        ["upper"] = CodePointSet.Of(('A', 'Z')),
        ["word"] = CodePointSet.Of(('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')),
        ["xdigit"] = CodePointSet.Of(('0', '9'), ('A', 'F'), ('a', 'f')),
    };

    /// <summary>Returns the .NET pattern, or null when Go would reject the expression.</summary>
    public static string? Translate(string goRegex)
    {
        try
        {
            return new Parser(goRegex).Translate();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed class Parser(string re)
    {
        private int _i;

        public string Translate()
        {
            var output = new StringBuilder();
            while (_i < re.Length)
            {
                char c = re[_i];
                switch (c)
                {
                    case '\\':
                        output.Append(TranslateEscape());
                        break;
                    case '[':
                        _i++;
                        output.Append(ParseClass().ToRegex());
                        break;
                    case '.':
                        _i++;
                        output.Append(CodePointSet.Of(('\n', '\n')).Negate().ToRegex());
                        break;
                    case '^':
                        _i++;
                        output.Append(@"\A");
                        break;
                    case '$':
                        _i++;
                        output.Append(@"\z");
                        break;
                    case '(':
                        _i++;
                        if (_i < re.Length && re[_i] == '?')
                        {
                            throw new FormatException("group flags are not produced by patternmatcher");
                        }
                        output.Append("(?:");
                        break;
                    case ')':
                    case '|':
                    case '*':
                    case '+':
                    case '?':
                        _i++;
                        output.Append(c);
                        break;
                    default:
                        output.Append(Regex.Escape(NextRune().ToString()));
                        break;
                }
            }
            return output.ToString();
        }

        private string TranslateEscape()
        {
            _i++;
            if (_i >= re.Length)
            {
                throw new FormatException("trailing backslash");
            }
            char c = re[_i];
            switch (c)
            {
                case 'A':
                    _i++;
                    return @"\A";
                case 'z':
                    _i++;
                    return @"\z";
                case 'b':
                    _i++;
                    return $"(?:(?<={WordClass})(?!{WordClass})|(?<!{WordClass})(?={WordClass}))";
                case 'B':
                    _i++;
                    return $"(?:(?<={WordClass})(?={WordClass})|(?<!{WordClass})(?!{WordClass}))";
                case 'Q':
                {
                    _i++;
                    int endQuote = re.IndexOf(@"\E", _i, StringComparison.Ordinal);
                    string literal = endQuote < 0 ? re[_i..] : re[_i..endQuote];
                    _i = endQuote < 0 ? re.Length : endQuote + 2;
                    return Regex.Escape(literal);
                }
            }
            var perl = PerlClass(c);
            if (perl is not null)
            {
                _i++;
                return perl.ToRegex();
            }
            return Regex.Escape(char.ConvertFromUtf32(ParseEscapedRune()));
        }

        // \d \D \s \S \w \W, ASCII only as in Go.
        private static CodePointSet? PerlClass(char c) => c switch
        {
            'd' => Digits,
            'D' => Digits.Negate(),
            's' => Spaces,
            'S' => Spaces.Negate(),
            'w' => WordChars,
            'W' => WordChars.Negate(),
            _ => null,
        };

        // After a backslash (already consumed): one escaped code point, as Go's parseEscape.
        private int ParseEscapedRune()
        {
            var rune = NextRune();
            int c = rune.Value;
            if (c < 0x80 && !char.IsAsciiLetterOrDigit((char)c))
            {
                return c;
            }
            switch (c)
            {
                case >= '1' and <= '7' when _i < re.Length && re[_i] is >= '0' and <= '7':
                case '0':
                {
                    int value = c - '0';
                    for (int n = 1; n < 3 && _i < re.Length && re[_i] is >= '0' and <= '7'; n++)
                    {
                        value = value * 8 + (re[_i] - '0');
                        _i++;
                    }
                    return value;
                }
                case 'x':
                    return ParseHex();
                case 'a': return 7;
                case 'f': return '\f';
                case 'n': return '\n';
                case 'r': return '\r';
                case 't': return '\t';
                case 'v': return '\v';
            }
            throw new FormatException("invalid escape sequence");
        }

        private int ParseHex()
        {
            if (_i < re.Length && re[_i] == '{')
            {
                _i++;
                int value = 0;
                int digits = 0;
                while (_i < re.Length && re[_i] != '}')
                {
                    int d = HexValue(re[_i]);
                    if (d < 0)
                    {
                        throw new FormatException("invalid escape sequence");
                    }
                    value = value * 16 + d;
                    if (value > 0x10FFFF)
                    {
                        throw new FormatException("invalid escape sequence");
                    }
                    digits++;
                    _i++;
                }
                if (_i >= re.Length || digits == 0)
                {
                    throw new FormatException("invalid escape sequence");
                }
                _i++;
                return value;
            }
            if (_i + 1 < re.Length && HexValue(re[_i]) >= 0 && HexValue(re[_i + 1]) >= 0)
            {
                int value = HexValue(re[_i]) * 16 + HexValue(re[_i + 1]);
                _i += 2;
                return value;
            }
            throw new FormatException("invalid escape sequence");
        }

        private static int HexValue(char c) => c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };

        // After '[': the class up to its closing ']'. A ']' right after '[' or '[^' is literal,
        // '-' is literal where it cannot form a range, and "[:name:]" is a POSIX class.
        private CodePointSet ParseClass()
        {
            bool negated = false;
            if (_i < re.Length && re[_i] == '^')
            {
                negated = true;
                _i++;
            }
            var set = new CodePointSet();
            bool first = true;
            while (true)
            {
                if (_i >= re.Length)
                {
                    throw new FormatException("missing closing ]");
                }
                if (re[_i] == ']' && !first)
                {
                    _i++;
                    break;
                }
                first = false;
                if (TryParsePosixClass(set))
                {
                    continue;
                }
                if (re[_i] == '\\' && _i + 1 < re.Length)
                {
                    var perl = PerlClass(re[_i + 1]);
                    if (perl is not null)
                    {
                        _i += 2;
                        set.Add(perl);
                        continue;
                    }
                }
                int lo = ParseClassChar();
                int hi = lo;
                if (_i + 1 < re.Length && re[_i] == '-' && re[_i + 1] != ']')
                {
                    _i++;
                    hi = ParseClassChar();
                    if (hi < lo)
                    {
                        throw new FormatException("invalid character class range");
                    }
                }
                set.Add(lo, hi);
            }
            return negated ? set.Negate() : set;
        }

        private bool TryParsePosixClass(CodePointSet set)
        {
            if (_i + 1 >= re.Length || re[_i] != '[' || re[_i + 1] != ':')
            {
                return false;
            }
            int close = re.IndexOf(":]", _i + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            string name = re[(_i + 2)..close];
            bool negated = name.StartsWith('^');
            if (negated)
            {
                name = name[1..];
            }
            if (!PosixClasses.TryGetValue(name, out var posix))
            {
                throw new FormatException("invalid character class range");
            }
            set.Add(negated ? posix.Negate() : posix);
            _i = close + 2;
            return true;
        }

        private int ParseClassChar()
        {
            if (re[_i] == '\\')
            {
                _i++;
                if (_i >= re.Length)
                {
                    throw new FormatException("trailing backslash");
                }
                return ParseEscapedRune();
            }
            return NextRune().Value;
        }

        private Rune NextRune()
        {
            if (Rune.DecodeFromUtf16(re.AsSpan(_i), out var rune, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
                consumed = 1;
            }
            _i += consumed;
            return rune;
        }
    }
}
