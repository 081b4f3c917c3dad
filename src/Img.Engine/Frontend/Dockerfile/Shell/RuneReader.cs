using System.Text;
using Img.Engine.Text;

namespace Img.Engine.Frontend.Dockerfile.Shell;

/// <summary>
/// Reads a string one code point at a time with one code point of lookahead, like the Go
/// <c>text/scanner</c> BuildKit's lexer is written against: <see cref="Eof"/> past the end, and a
/// byte-order mark at the very start is skipped.
/// </summary>
internal sealed class RuneReader
{
    public const int Eof = -1;

    private readonly int[] _runes;
    private int _position;

    public RuneReader(string text)
    {
        _runes = GoText.Runes(text);
        if (_runes.Length > 0 && _runes[0] == 0xFEFF)
        {
            _position = 1;
        }
    }

    public int Peek() => _position < _runes.Length ? _runes[_position] : Eof;

    public int Next()
    {
        int rune = Peek();
        if (rune != Eof)
        {
            _position++;
        }
        return rune;
    }

    /// <summary>The text of one code point; <see cref="Eof"/> prints as U+FFFD, as Go prints rune(-1).</summary>
    public static string ToText(int rune) => rune == Eof ? "\uFFFD" : char.ConvertFromUtf32(rune);

    public static bool IsLetter(int rune) => rune >= 0 && Rune.IsLetter(new Rune(rune));

    public static bool IsDigit(int rune) => rune >= 0 && Rune.IsDigit(new Rune(rune));
}
