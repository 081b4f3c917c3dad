using System.Runtime.CompilerServices;
using System.Text;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>
/// The state of expanding one word: the reader, the lexer's options, and the names looked up.
/// A new instance per call keeps <see cref="ShellLexer"/> immutable and safe to share between threads
/// (BuildKit's Lex reuses one and is not).
/// </summary>
/// <remarks>
/// The structure follows BuildKit's lexer step by step on purpose: its observable quirks (what a
/// nested expansion does to word splitting, which errors win, which escapes survive where) come
/// from that structure, and docker build users depend on them.
/// </remarks>
internal sealed class ShellWordProcessor
{
    private readonly RuneReader _reader;
    private readonly ShellLexer _lexer;
    private readonly IShellEnvironment _env;
    private readonly bool _capture;
    // Shared by every nesting level; see WordSplitter.
    private readonly StringBuilder _wordsBuffer = new();
    private bool _rawEscapes;
    private int _depth;

    /// <summary>
    /// How deeply expansions may nest inside one another. A level takes 1-1.5 KB of stack, so
    /// this fits a thread-pool thread (1.5 MB) with room for the callers; on smaller stacks the
    /// stack check gives the same error earlier.
    /// </summary>
    internal const int MaxNestingDepth = 500;

    internal const string NestedTooDeeply = "syntax error: substitutions nested too deeply";

    public ShellWordProcessor(string word, ShellLexer lexer, IShellEnvironment env, bool capture)
    {
        _reader = new RuneReader(word);
        _lexer = lexer;
        _env = env;
        _capture = capture;
        _rawEscapes = lexer.RawEscapes;
    }

    public SortedSet<string> Matched { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Unmatched { get; } = new(StringComparer.Ordinal);

    /// <summary>Expands the whole word. Throws <see cref="ExpansionFailure"/>.</summary>
    public (string Result, List<string> Words) Process() => ProcessStopOn(RuneReader.Eof, _rawEscapes);

    // Expands up to (and consuming) stopChar, or to the end when stopChar is Eof. rawEscapes
    // keeps escape characters in the output for the duration of this level: patterns need them
    // to tell "\*" from "*".
    private (string Result, List<string> Words) ProcessStopOn(int stopChar, bool rawEscapes)
    {
        var result = new StringBuilder();
        _wordsBuffer.Clear();
        var words = new WordSplitter(_wordsBuffer);

        bool saved = _rawEscapes;
        _rawEscapes = rawEscapes;
        try
        {
            while (_reader.Peek() != RuneReader.Eof)
            {
                int ch = _reader.Peek();
                if (stopChar != RuneReader.Eof && ch == stopChar)
                {
                    _reader.Next();
                    return (result.ToString(), words.GetWords());
                }

                string? special = ch switch
                {
                    '$' => ProcessDollar(),
                    '<' => ProcessPossibleHeredoc(),
                    '\'' when !_lexer.SkipProcessQuotes => ProcessSingleQuote(),
                    '"' when !_lexer.SkipProcessQuotes => ProcessDoubleQuote(),
                    _ => null,
                };
                if (special is not null)
                {
                    result.Append(special);
                    // Expansions split on whitespace; quoted text and "<<" do not.
                    if (ch == '$')
                    {
                        words.AddString(special);
                    }
                    else
                    {
                        words.AddRawString(special);
                    }
                    continue;
                }

                ch = _reader.Next();
                if (ch == _lexer.EscapeToken)
                {
                    if (_rawEscapes)
                    {
                        words.AddRawChar(ch);
                        GoText.AppendRune(result, ch);
                    }
                    // The escape quotes the next character; a trailing escape is dropped.
                    ch = _reader.Next();
                    if (ch == RuneReader.Eof)
                    {
                        break;
                    }
                    words.AddRawChar(ch);
                }
                else
                {
                    words.AddChar(ch);
                }
                GoText.AppendRune(result, ch);
            }
        }
        finally
        {
            _rawEscapes = saved;
        }

        if (stopChar != RuneReader.Eof)
        {
            throw new ExpansionFailure($"unexpected end of statement while looking for matching {RuneReader.ToText(stopChar)}");
        }
        return (result.ToString(), words.GetWords());
    }

    // '...': everything literal up to the next quote; there is no way to escape a quote inside.
    private string ProcessSingleQuote()
    {
        var result = new StringBuilder();
        int ch = _reader.Next();
        if (_lexer.RawQuotes)
        {
            GoText.AppendRune(result, ch);
        }
        while (true)
        {
            ch = _reader.Next();
            if (ch == RuneReader.Eof)
            {
                throw new ExpansionFailure("unexpected end of statement while looking for matching single-quote");
            }
            if (ch == '\'')
            {
                if (_lexer.RawQuotes)
                {
                    GoText.AppendRune(result, ch);
                }
                return result.ToString();
            }
            GoText.AppendRune(result, ch);
        }
    }

    // "...": literal except $ expansions; the escape token only escapes ", $ and itself and is
    // otherwise kept, like backslash in sh.
    private string ProcessDoubleQuote()
    {
        var result = new StringBuilder();
        int ch = _reader.Next();
        if (_lexer.RawQuotes)
        {
            GoText.AppendRune(result, ch);
        }
        while (true)
        {
            switch (_reader.Peek())
            {
                case RuneReader.Eof:
                    throw new ExpansionFailure("unexpected end of statement while looking for matching double-quote");
                case '"':
                    ch = _reader.Next();
                    if (_lexer.RawQuotes)
                    {
                        GoText.AppendRune(result, ch);
                    }
                    return result.ToString();
                case '$':
                    result.Append(ProcessDollar());
                    break;
                default:
                    ch = _reader.Next();
                    if (ch == _lexer.EscapeToken)
                    {
                        if (_rawEscapes)
                        {
                            GoText.AppendRune(result, ch);
                        }
                        int next = _reader.Peek();
                        if (next == RuneReader.Eof)
                        {
                            // Reported as the missing closing quote on the next turn.
                            continue;
                        }
                        if (next == '"' || next == '$' || next == _lexer.EscapeToken)
                        {
                            ch = _reader.Next();
                        }
                    }
                    GoText.AppendRune(result, ch);
                    break;
            }
        }
    }

    private string ProcessDollar()
    {
        _reader.Next();

        // $NAME, $1, $@ ...
        if (_reader.Peek() != '{')
        {
            string simpleName = ProcessName();
            if (simpleName.Length == 0)
            {
                return "$";
            }
            bool simpleFound = GetEnv(simpleName, out string simpleValue);
            if (!simpleFound && _lexer.SkipUnsetEnv)
            {
                return "$" + simpleName;
            }
            return simpleValue;
        }

        _reader.Next();
        switch (_reader.Peek())
        {
            case RuneReader.Eof:
                throw new ExpansionFailure("syntax error: missing '}'");
            case '{':
            case '}':
            case ':':
                throw new ExpansionFailure("syntax error: bad substitution");
        }
        string name = ProcessName();
        int op = _reader.Next();
        string opText = RuneReader.ToText(op);
        bool nullIsUnset = false;

        switch (op)
        {
            case '}':
            {
                bool set = GetEnv(name, out string value);
                if (!set && _lexer.SkipUnsetEnv)
                {
                    return "${" + name + "}";
                }
                return value;
            }
            case ':':
                nullIsUnset = true;
                op = _reader.Next();
                opText += RuneReader.ToText(op);
                return ProcessModifier(name, op, opText, nullIsUnset);
            case '+':
            case '-':
            case '?':
            case '#':
            case '%':
                return ProcessModifier(name, op, opText, nullIsUnset);
            case '/':
                return ProcessReplace(name);
            default:
                throw new ExpansionFailure($"unsupported modifier ({opText}) in substitution");
        }
    }

    // ${NAME-word} ${NAME:-word} ${NAME+word} ${NAME?word} ${NAME#pat} ${NAME%pat} and the ':'
    // forms. After ':' any character gets here; the word is read (and NAME looked up) before an
    // unknown modifier is rejected, as in BuildKit.
    private string ProcessModifier(string name, int op, string opText, bool nullIsUnset)
    {
        // Patterns keep their escapes so "\*" stays a literal star.
        bool patternWord = op == '#' || op == '%';
        if (nullIsUnset && patternWord)
        {
            throw new ExpansionFailure($"unsupported modifier ({opText}) in substitution");
        }
        string word = ReadNested('}', patternWord, "syntax error: missing '}'");

        bool set = GetEnv(name, out string value);
        if (_lexer.SkipUnsetEnv && !set)
        {
            return "${" + name + opText + word + "}";
        }

        bool empty = !set || (nullIsUnset && value.Length == 0);
        switch (op)
        {
            case '-':
                return empty ? word : value;
            case '+':
                return empty ? "" : word;
            case '?':
                if (!set)
                {
                    throw new ExpansionFailure($"{name}: {(word.Length != 0 ? word : "is not allowed to be unset")}");
                }
                if (nullIsUnset && value.Length == 0)
                {
                    throw new ExpansionFailure($"{name}: {(word.Length != 0 ? word : "is not allowed to be empty")}");
                }
                return value;
            case '#':
            case '%':
            {
                // A doubled operator (## or %%) asks for the longest match.
                bool greedy = word.Length > 0 && word[0] == op;
                if (greedy)
                {
                    word = word[1..];
                }
                string? trimmed = op == '%'
                    ? ShellPattern.TrimSuffix(word, value, greedy, out string error)
                    : ShellPattern.TrimPrefix(word, value, greedy, out error);
                return trimmed ?? throw new ExpansionFailure(error);
            }
            default:
                throw new ExpansionFailure($"unsupported modifier ({opText}) in substitution");
        }
    }

    // ${NAME/pattern/replacement} and ${NAME//pattern/replacement}.
    private string ProcessReplace(string name)
    {
        bool all = _reader.Peek() == '/';
        if (all)
        {
            _reader.Next();
        }
        string pattern = ReadNested('/', rawEscapes: true, "syntax error: missing '/' in ${}");
        string replacement = ReadNested('}', rawEscapes: true, "syntax error: missing '}'");

        bool set = GetEnv(name, out string value);
        if (_lexer.SkipUnsetEnv && !set)
        {
            // BuildKit writes a single '/' back even for the // form.
            return "${" + name + "/" + pattern + "/" + replacement + "}";
        }
        return ShellPattern.Replace(value, pattern, replacement, all, out string error)
            ?? throw new ExpansionFailure(error);
    }

    // Reads a nested word up to stopChar. Running off the end, whatever the inner reason (an
    // open quote, an open nested ${), is reported as the outer construct being unterminated.
    //
    // Every nesting (${a:-${b}}, "${a:-"${b}"}", ${a/${b}/c}) passes through here, so this is
    // where the depth is bounded: BuildKit's goroutine stacks grow to 1 GB, ours are fixed (1.5 MB
    // on the thread pool) and an overflow kills the process. No real Dockerfile comes close.
    private string ReadNested(int stopChar, bool rawEscapes, string endOfInputReason)
    {
        if (_depth >= MaxNestingDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ExpansionFailure(NestedTooDeeply);
        }
        _depth++;
        try
        {
            return ProcessStopOn(stopChar, rawEscapes).Result;
        }
        catch (ExpansionFailure) when (_reader.Peek() == RuneReader.Eof)
        {
            // Thrown below, once this handler has unwound the inner levels' frames: throwing
            // from inside the handler would stack one exception dispatch per nesting level.
        }
        finally
        {
            _depth--;
        }
        throw new ExpansionFailure(endOfInputReason);
    }

    // A variable name: letters, digits and '_'; or a run of digits (positional, "$10" is
    // parameter 10); or one special parameter character. Empty when none of those follows.
    private string ProcessName()
    {
        var name = new StringBuilder();
        while (_reader.Peek() != RuneReader.Eof)
        {
            int ch = _reader.Peek();
            if (name.Length == 0 && RuneReader.IsDigit(ch))
            {
                while (_reader.Peek() != RuneReader.Eof && RuneReader.IsDigit(_reader.Peek()))
                {
                    GoText.AppendRune(name, _reader.Next());
                }
                return name.ToString();
            }
            if (name.Length == 0 && IsSpecialParameter(ch))
            {
                return RuneReader.ToText(_reader.Next());
            }
            if (!RuneReader.IsLetter(ch) && !RuneReader.IsDigit(ch) && ch != '_')
            {
                break;
            }
            GoText.AppendRune(name, _reader.Next());
        }
        return name.ToString();
    }

    // POSIX special parameters. Dockerfiles never set them, so they expand to nothing, but they
    // must be recognised as names so that "$@x" gives "x" and not "$@x".
    private static bool IsSpecialParameter(int ch) =>
        ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0';

    // "<<" starts a heredoc: keep it, and the blanks after it, as one unsplittable piece so the
    // parser sees "<<EOF" / "<< EOF" as one word.
    private string ProcessPossibleHeredoc()
    {
        _reader.Next();
        if (_reader.Peek() != '<')
        {
            return "<";
        }
        _reader.Next();
        var text = new StringBuilder("<<");
        while (_reader.Peek() is '\t' or '\r' or ' ')
        {
            GoText.AppendRune(text, _reader.Next());
        }
        return text.ToString();
    }

    private bool GetEnv(string name, out string value)
    {
        if (_env.TryGet(name, out var found))
        {
            if (_capture)
            {
                Matched.Add(name);
            }
            value = found;
            return true;
        }
        if (_capture)
        {
            Unmatched.Add(name);
        }
        value = "";
        return false;
    }
}
