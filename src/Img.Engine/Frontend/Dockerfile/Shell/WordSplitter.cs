using System.Text;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>
/// Collects the words of one <c>processStopOn</c> level of the lexer. Unquoted characters
/// (literal or from a <c>$</c> expansion) split on whitespace; quoted text and escaped characters
/// never split.
/// </summary>
/// <remarks>
/// The character buffer is passed in, not owned: BuildKit shares one buffer among all nesting
/// levels of one expansion, so a nested <c>${VAR:-word}</c> clears the words being built around
/// it (<c>a${X:-b}</c> splits to <c>[b]</c>). We keep that so <see cref="ShellLexer.ProcessWords"/>
/// gives what docker build gives.
/// </remarks>
internal sealed class WordSplitter(StringBuilder buffer)
{
    private readonly List<string> _words = [];
    private bool _inWord;

    /// <summary>Adds an unquoted character: whitespace ends the current word.</summary>
    public void AddChar(int rune)
    {
        bool space = GoText.IsSpace(rune);
        if (space && _inWord)
        {
            if (buffer.Length != 0)
            {
                _words.Add(buffer.ToString());
                buffer.Clear();
                _inWord = false;
            }
        }
        else if (!space)
        {
            AddRawChar(rune);
        }
    }

    /// <summary>Adds a character that cannot split (escaped).</summary>
    public void AddRawChar(int rune)
    {
        GoText.AppendRune(buffer, rune);
        _inWord = true;
    }

    /// <summary>Adds expanded text, splitting it on whitespace.</summary>
    public void AddString(string text)
    {
        foreach (var rune in GoText.Runes(text))
        {
            AddChar(rune);
        }
    }

    /// <summary>Adds quoted text, which cannot split.</summary>
    public void AddRawString(string text)
    {
        buffer.Append(text);
        _inWord = true;
    }

    /// <summary>The words so far, closing the current one.</summary>
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
