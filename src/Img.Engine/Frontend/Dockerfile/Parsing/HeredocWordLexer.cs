using System.Text;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// The slice of BuildKit's shell word lexer that heredoc detection runs: word splitting with
/// quotes, <c>\</c> escapes and <c>$var</c>/<c>${...}</c> kept verbatim (no environment, unset
/// variables left as written), and <c>&lt;&lt;</c> glued to the word after it even across
/// spaces, so <c>&lt;&lt; EOF</c> is one word. Its quirks decide which words count as heredocs,
/// so it is reproduced here rather than borrowed from the expansion lexer.
/// </summary>
internal sealed class HeredocWordLexer
{
    private const int Eof = -1;
    private const int EscapeToken = '\\';

    private readonly bool _rawQuotes;
    private readonly int[] _runes;
    private readonly StringBuilder _wordsBuffer = new();
    private bool _rawEscapes;
    private int _pos;

    private HeredocWordLexer(string source, bool rawQuotes, bool rawEscapes)
    {
        _runes = GoText.Runes(source);
        _rawQuotes = rawQuotes;
        _rawEscapes = rawEscapes;
        // Go's text/scanner skips a byte order mark at the start.
        if (_runes.Length > 0 && _runes[0] == 0xFEFF)
            _pos = 1;
    }

    /// <summary>Splits <paramref name="source"/> into words.</summary>
    /// <exception cref="ParseFailure">Unbalanced quotes or a malformed <c>${...}</c>.</exception>
    public static List<string> ProcessWords(string source, bool rawQuotes, bool rawEscapes)
    {
        var lexer = new HeredocWordLexer(source, rawQuotes, rawEscapes);
        try
        {
            return lexer.ProcessStopOn(Eof, rawEscapes).Words;
        }
        catch (ParseFailure e)
        {
            throw new ParseFailure($"failed to process {GoQuote.Quote(source)}: {e.Message}");
        }
    }

    private int Peek() => _pos < _runes.Length ? _runes[_pos] : Eof;

    private int Next() => _pos < _runes.Length ? _runes[_pos++] : Eof;

    // Go's string(rune(-1)) is U+FFFD.
    private static string RuneString(int r) => r == Eof ? "\uFFFD" : char.ConvertFromUtf32(r);

    private (string Result, List<string> Words) ProcessStopOn(int stopChar, bool rawEscapes)
    {
        var result = new StringBuilder();
        // BuildKit shares one word buffer between nested calls: a nested ${...} clears the
        // word being built by its caller. Reproduced on purpose.
        _wordsBuffer.Clear();
        var words = new Words(_wordsBuffer);
        var saved = _rawEscapes;
        _rawEscapes = rawEscapes;
        try
        {
            while (Peek() != Eof)
            {
                var ch = Peek();
                if (stopChar != Eof && ch == stopChar)
                {
                    Next();
                    return (result.ToString(), words.GetWords());
                }
                if (ch is '$' or '<' or '\'' or '"')
                {
                    var text = ch switch
                    {
                        '$' => ProcessDollar(),
                        '<' => ProcessPossibleHeredoc(),
                        '\'' => ProcessSingleQuote(),
                        _ => ProcessDoubleQuote(),
                    };
                    result.Append(text);
                    if (ch == '$')
                        words.AddString(text);
                    else
                        words.AddRawString(text);
                    continue;
                }
                ch = Next();
                if (ch == EscapeToken)
                {
                    if (_rawEscapes)
                    {
                        words.AddRawChar(ch);
                        GoText.AppendRune(result, ch);
                    }
                    ch = Next();
                    if (ch == Eof)
                        break;
                    words.AddRawChar(ch);
                }
                else
                    words.AddChar(ch);
                GoText.AppendRune(result, ch);
            }
            if (stopChar != Eof)
                throw new ParseFailure($"unexpected end of statement while looking for matching {RuneString(stopChar)}");
            return (result.ToString(), words.GetWords());
        }
        finally
        {
            _rawEscapes = saved;
        }
    }

    private string ProcessSingleQuote()
    {
        var result = new StringBuilder();
        var ch = Next();
        if (_rawQuotes)
            GoText.AppendRune(result, ch);
        while (true)
        {
            ch = Next();
            if (ch == Eof)
                throw new ParseFailure("unexpected end of statement while looking for matching single-quote");
            if (ch == '\'')
            {
                if (_rawQuotes)
                    GoText.AppendRune(result, ch);
                return result.ToString();
            }
            GoText.AppendRune(result, ch);
        }
    }

    private string ProcessDoubleQuote()
    {
        var result = new StringBuilder();
        var ch = Next();
        if (_rawQuotes)
            GoText.AppendRune(result, ch);
        while (true)
        {
            switch (Peek())
            {
                case Eof:
                    throw new ParseFailure("unexpected end of statement while looking for matching double-quote");
                case '"':
                    ch = Next();
                    if (_rawQuotes)
                        GoText.AppendRune(result, ch);
                    return result.ToString();
                case '$':
                    result.Append(ProcessDollar());
                    break;
                default:
                    ch = Next();
                    if (ch == EscapeToken)
                    {
                        if (_rawEscapes)
                            GoText.AppendRune(result, ch);
                        var peek = Peek();
                        if (peek == Eof)
                            continue;
                        if (peek is '"' or '$' or EscapeToken)
                            ch = Next();
                    }
                    GoText.AppendRune(result, ch);
                    break;
            }
        }
    }

    // With no environment every variable is unset, so each form is given back as written.
    private string ProcessDollar()
    {
        Next();
        if (Peek() != '{')
        {
            var plain = ProcessName();
            return "$" + plain;
        }
        Next();
        switch (Peek())
        {
            case Eof:
                throw new ParseFailure("syntax error: missing '}'");
            case '{' or '}' or ':':
                throw new ParseFailure("syntax error: bad substitution");
        }
        var name = ProcessName();
        var ch = Next();
        var chs = RuneString(ch);
        var nullIsUnset = false;
        switch (ch)
        {
            case '}':
                return "${" + name + "}";
            case ':' or '+' or '-' or '?' or '#' or '%':
                if (ch == ':')
                {
                    nullIsUnset = true;
                    ch = Next();
                    chs += RuneString(ch);
                }
                var rawEscapes = ch is '#' or '%';
                if (nullIsUnset && rawEscapes)
                    throw new ParseFailure($"unsupported modifier ({chs}) in substitution");
                string word;
                try
                {
                    word = ProcessStopOn('}', rawEscapes).Result;
                }
                catch (ParseFailure) when (Peek() == Eof)
                {
                    throw new ParseFailure("syntax error: missing '}'");
                }
                return "${" + name + chs + word + "}";
            case '/':
                if (Peek() == '/')
                    Next();
                string pattern, replacement;
                try
                {
                    pattern = ProcessStopOn('/', true).Result;
                }
                catch (ParseFailure) when (Peek() == Eof)
                {
                    throw new ParseFailure("syntax error: missing '/' in ${}");
                }
                try
                {
                    replacement = ProcessStopOn('}', true).Result;
                }
                catch (ParseFailure) when (Peek() == Eof)
                {
                    throw new ParseFailure("syntax error: missing '}'");
                }
                return "${" + name + "/" + pattern + "/" + replacement + "}";
            default:
                throw new ParseFailure($"unsupported modifier ({chs}) in substitution");
        }
    }

    private string ProcessName()
    {
        var name = new StringBuilder();
        while (Peek() != Eof)
        {
            var ch = Peek();
            if (name.Length == 0 && IsDigit(ch))
            {
                while (Peek() != Eof && IsDigit(Peek()))
                    GoText.AppendRune(name, Next());
                return name.ToString();
            }
            if (name.Length == 0 && ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
                return RuneString(Next());
            if (!IsLetter(ch) && !IsDigit(ch) && ch != '_')
                break;
            GoText.AppendRune(name, Next());
        }
        return name.ToString();
    }

    private static bool IsDigit(int r) => Rune.IsValid(r) && Rune.IsDigit(new Rune(r));

    private static bool IsLetter(int r) => Rune.IsValid(r) && Rune.IsLetter(new Rune(r));

    private string ProcessPossibleHeredoc()
    {
        Next();
        if (Peek() != '<')
            return "<";
        Next();
        var result = new StringBuilder("<<");
        while (Peek() is '\t' or '\r' or ' ')
            GoText.AppendRune(result, Next());
        return result.ToString();
    }

    /// <summary>Collects words; spaces from variables split, quoted text never does.</summary>
    private sealed class Words(StringBuilder buffer)
    {
        private readonly List<string> _words = new();
        private bool _inWord;

        public void AddChar(int ch)
        {
            if (GoText.IsSpace(ch))
            {
                if (_inWord && buffer.Length != 0)
                {
                    _words.Add(buffer.ToString());
                    buffer.Clear();
                    _inWord = false;
                }
            }
            else
                AddRawChar(ch);
        }

        public void AddRawChar(int ch)
        {
            GoText.AppendRune(buffer, ch);
            _inWord = true;
        }

        public void AddString(string text)
        {
            foreach (var r in GoText.Runes(text))
                AddChar(r);
        }

        public void AddRawString(string text)
        {
            buffer.Append(text);
            _inWord = true;
        }

        public List<string> GetWords()
        {
            if (buffer.Length > 0)
            {
                _words.Add(buffer.ToString());
                buffer.Clear();
                _inWord = false;
            }
            return _words;
        }
    }
}
