using System.Globalization;
using System.Text;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// Reads the exec form <c>["a", "b"]</c> with the rules of Go's encoding/json decoding into
/// <c>[]any</c>, because whether an argument is "JSON" decides between exec and shell form:
/// any syntax error (or a number too large for a float64) means "not JSON" and the text is
/// taken as a shell command; valid JSON with a non-string element is a hard error.
/// </summary>
internal sealed class JsonStringArray
{
    public enum Outcome { Strings, NotJson, NotStringArray }

    private const int MaxNestingDepth = 10000;

    private readonly string _s;
    private int _pos;
    private int _depth;
    private bool _numberOverflow;

    private JsonStringArray(string s) => _s = s;

    public static Outcome TryParse(string rest, out List<string> values)
    {
        values = new List<string>();
        rest = GoText.TrimLeftSpace(rest);
        if (!rest.StartsWith('['))
            return Outcome.NotJson;

        var reader = new JsonStringArray(rest);
        List<object?> elements;
        try
        {
            reader.SkipWhitespace();
            elements = reader.ReadArray();
            reader.SkipWhitespace();
            if (reader._pos != rest.Length)
                return Outcome.NotJson;
        }
        catch (FormatException)
        {
            return Outcome.NotJson;
        }
        // Go reports a float64 overflow as an unmarshal error, not a type mismatch.
        if (reader._numberOverflow)
            return Outcome.NotJson;
        foreach (var element in elements)
        {
            if (element is not string s)
                return Outcome.NotStringArray;
            values.Add(s);
        }
        return Outcome.Strings;
    }

    private static FormatException Syntax() => new("invalid JSON");

    private char Peek() => _pos < _s.Length ? _s[_pos] : '\0';

    private bool AtEnd => _pos >= _s.Length;

    private void SkipWhitespace()
    {
        while (!AtEnd && _s[_pos] is ' ' or '\t' or '\n' or '\r')
            _pos++;
    }

    private void Expect(char c)
    {
        if (AtEnd || _s[_pos] != c)
            throw Syntax();
        _pos++;
    }

    private void Enter()
    {
        if (++_depth > MaxNestingDepth)
            throw Syntax();
    }

    /// <summary>Any non-string element: the exec form only needs to know it is not a string.</summary>
    private static readonly object NonString = new();

    /// <summary>
    /// The top-level array. Iterative, with an explicit stack of the containers being read, so
    /// that nesting up to Go's limit of 10,000 levels (and beyond, which is a syntax error)
    /// never recurses: a Dockerfile must not be able to overflow the parser's stack. Nested
    /// arrays and objects are only validated; the elements of the top array come back as
    /// strings or <see cref="NonString"/>.
    /// </summary>
    private List<object?> ReadArray()
    {
        var items = new List<object?>();
        var closers = new Stack<char>();
        if (!Open(closers))
            return items;
        while (true)
        {
            // A value is expected.
            SkipWhitespace();
            if (!AtEnd && _s[_pos] is '[' or '{')
            {
                if (Open(closers))
                    continue;
                if (closers.Count == 1)
                    items.Add(NonString);
            }
            else
            {
                var value = ReadScalar();
                if (closers.Count == 1)
                    items.Add(value);
            }
            // After a value: a comma, or closers until one is followed by a comma.
            while (true)
            {
                SkipWhitespace();
                if (AtEnd)
                    throw Syntax();
                if (_s[_pos] == ',')
                {
                    _pos++;
                    if (closers.Peek() == '}')
                        ReadKey();
                    break;
                }
                Expect(closers.Pop());
                _depth--;
                if (closers.Count == 0)
                    return items;
                if (closers.Count == 1)
                    items.Add(NonString);
            }
        }
    }

    /// <summary>
    /// Consumes the <c>[</c> or <c>{</c> at the position. An empty container is consumed whole
    /// and gives false; otherwise its closer is pushed, an object's first key is read, and the
    /// position is at the first value.
    /// </summary>
    private bool Open(Stack<char> closers)
    {
        Enter();
        var close = _s[_pos] == '[' ? ']' : '}';
        _pos++;
        SkipWhitespace();
        if (!AtEnd && _s[_pos] == close)
        {
            _pos++;
            _depth--;
            return false;
        }
        closers.Push(close);
        if (close == '}')
            ReadKey();
        return true;
    }

    // An object member's key and colon; the value follows.
    private void ReadKey()
    {
        SkipWhitespace();
        ReadString();
        SkipWhitespace();
        Expect(':');
    }

    // A string, or a literal or number (validated, returned as NonString).
    private object? ReadScalar()
    {
        if (AtEnd)
            throw Syntax();
        switch (_s[_pos])
        {
            case '"': return ReadString();
            case 't': ReadLiteral("true"); return NonString;
            case 'f': ReadLiteral("false"); return NonString;
            case 'n': ReadLiteral("null"); return NonString;
            default: ReadNumber(); return NonString;
        }
    }

    private void ReadLiteral(string literal)
    {
        if (string.CompareOrdinal(_s, _pos, literal, 0, literal.Length) != 0)
            throw Syntax();
        _pos += literal.Length;
    }

    private void ReadNumber()
    {
        var start = _pos;
        if (Peek() == '-')
            _pos++;
        if (AtEnd || !char.IsAsciiDigit(_s[_pos]))
            throw Syntax();
        if (_s[_pos] == '0')
            _pos++;
        else
            SkipDigits();
        if (!AtEnd && _s[_pos] == '.')
        {
            _pos++;
            if (AtEnd || !char.IsAsciiDigit(_s[_pos]))
                throw Syntax();
            SkipDigits();
        }
        if (!AtEnd && _s[_pos] is 'e' or 'E')
        {
            _pos++;
            if (!AtEnd && _s[_pos] is '+' or '-')
                _pos++;
            if (AtEnd || !char.IsAsciiDigit(_s[_pos]))
                throw Syntax();
            SkipDigits();
        }
        var value = double.Parse(_s.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
            _numberOverflow = true;
    }

    private void SkipDigits()
    {
        while (!AtEnd && char.IsAsciiDigit(_s[_pos]))
            _pos++;
    }

    private string ReadString()
    {
        Expect('"');
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd)
                throw Syntax();
            var c = _s[_pos];
            if (c == '"')
            {
                _pos++;
                return sb.ToString();
            }
            if (c < 0x20)
                throw Syntax();
            if (c == '\\')
            {
                ReadEscape(sb);
                continue;
            }
            // Go replaces each byte of invalid UTF-8 inside a string with U+FFFD.
            if (GoText.IsEscapedByte(_s, _pos) || (char.IsSurrogate(c) && !IsPairAt(_pos)))
            {
                sb.Append('\uFFFD');
                _pos++;
                continue;
            }
            if (char.IsHighSurrogate(c))
            {
                sb.Append(c).Append(_s[_pos + 1]);
                _pos += 2;
                continue;
            }
            sb.Append(c);
            _pos++;
        }
    }

    private bool IsPairAt(int i) =>
        char.IsHighSurrogate(_s[i]) && i + 1 < _s.Length && char.IsLowSurrogate(_s[i + 1]);

    private void ReadEscape(StringBuilder sb)
    {
        _pos++;
        if (AtEnd)
            throw Syntax();
        var e = _s[_pos++];
        switch (e)
        {
            case '"': sb.Append('"'); return;
            case '\\': sb.Append('\\'); return;
            case '/': sb.Append('/'); return;
            case 'b': sb.Append('\b'); return;
            case 'f': sb.Append('\f'); return;
            case 'n': sb.Append('\n'); return;
            case 'r': sb.Append('\r'); return;
            case 't': sb.Append('\t'); return;
            case 'u':
                var r = ReadHex4();
                if (r >= 0xD800 && r < 0xE000)
                {
                    // A valid surrogate pair is combined; anything else becomes U+FFFD and the
                    // following escape is decoded on its own.
                    if (r < 0xDC00 && _pos + 1 < _s.Length && _s[_pos] == '\\' && _s[_pos + 1] == 'u')
                    {
                        var save = _pos;
                        _pos += 2;
                        var lo = TryReadHex4();
                        if (lo is >= 0xDC00 and < 0xE000)
                        {
                            sb.Append((char)r).Append((char)lo.Value);
                            return;
                        }
                        _pos = save;
                    }
                    sb.Append('\uFFFD');
                    return;
                }
                sb.Append((char)r);
                return;
            default:
                throw Syntax();
        }
    }

    private int ReadHex4() => TryReadHex4() ?? throw Syntax();

    private int? TryReadHex4()
    {
        if (_pos + 4 > _s.Length)
            return null;
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var d = HexValue(_s[_pos + i]);
            if (d < 0)
                return null;
            value = value * 16 + d;
        }
        _pos += 4;
        return value;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
