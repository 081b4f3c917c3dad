using Img.Engine.Frontend.Dockerfile.Shell;
using Xunit;

namespace Img.Engine.Tests.Frontend.Shell;

/// <summary>The lexer options and the two escape tokens.</summary>
public sealed class ShellLexerOptionTests
{
    private static readonly DictionaryShellEnvironment Env = DictionaryShellEnvironment.FromPairs(["S=v", "E="]);

    [Theory]
    [InlineData("$X", "$X")]
    [InlineData("${X}", "${X}")]
    [InlineData("$S", "v")]
    [InlineData("${S}-${X}", "v-${X}")]
    [InlineData("${E}", "")]
    [InlineData("${X:-d}", "${X:-d}")]
    [InlineData("${S:-d}", "v")]
    [InlineData("${E:-d}", "d")]
    [InlineData("${X-$S}", "${X-v}")]
    [InlineData("${X-$Y}", "${X-$Y}")]
    [InlineData("${X:+y}", "${X:+y}")]
    [InlineData("${X#\\*}", "${X#\\*}")]
    [InlineData("${X##a}", "${X##a}")]
    [InlineData("${X%%a}", "${X%%a}")]
    [InlineData("${X/a/b}", "${X/a/b}")]
    [InlineData("${X//a/b}", "${X/a/b}")] // upstream writes back one slash
    [InlineData("$1", "$1")]
    [InlineData("$@x", "$@x")]
    [InlineData("'$X'", "$X")]
    public void SkipUnsetEnvLeavesUnsetReferencesAsWritten(string word, string expected)
    {
        var lexer = new ShellLexer { SkipUnsetEnv = true };
        Assert.Equal(expected, lexer.ProcessWord(word, Env));
    }

    [Fact]
    public void SkipUnsetEnvStillReportsUnmatchedNames()
    {
        var result = new ShellLexer { SkipUnsetEnv = true }.ProcessWordWithMatches("$X ${S}", Env);
        Assert.Equal("$X v", result.Result);
        Assert.Equal(["X"], result.Unmatched);
        Assert.Equal(["S"], result.Matched);
    }

    [Theory]
    [InlineData("\"a b\"", "\"a b\"")]
    [InlineData("'a b'", "'a b'")]
    [InlineData("\"$S\"", "\"v\"")]
    [InlineData("a'b'c", "a'b'c")]
    [InlineData("\"a\\\"b\"", "\"a\"b\"")]
    public void RawQuotesKeepsQuoteCharacters(string word, string expected)
    {
        Assert.Equal(expected, new ShellLexer { RawQuotes = true }.ProcessWord(word, Env));
    }

    [Fact]
    public void RawQuotesWordsStillDoNotSplitInsideQuotes()
    {
        Assert.Equal(["\"a b\"", "c"], new ShellLexer { RawQuotes = true }.ProcessWords("\"a b\" c", Env));
    }

    [Theory]
    [InlineData("a\\ b", "a\\ b")]
    [InlineData("\\$S", "\\$S")]
    [InlineData("abc\\", "abc\\")]
    [InlineData("\"a\\\"b\"", "a\\\"b")]
    [InlineData("\"a\\$S\"", "a\\$S")]
    [InlineData("\"a\\x\"", "a\\\\x")] // upstream writes the kept escape, then the literal backslash
    [InlineData("${X:-a\\ b}\\ c", "a b\\ c")] // a default word never keeps escapes
    [InlineData("${S/v/\\ }", "\\ ")]
    public void RawEscapesKeepsEscapeCharacters(string word, string expected)
    {
        Assert.Equal(expected, new ShellLexer { RawEscapes = true }.ProcessWord(word, Env));
    }

    [Fact]
    public void RawEscapesWordsDoNotSplitOnEscapedBlanks()
    {
        Assert.Equal(["a\\ b", "c"], new ShellLexer { RawEscapes = true }.ProcessWords("a\\ b c", Env));
    }

    [Fact]
    public void AllRawOptionsTogetherKeepTheWordAsWritten()
    {
        var lexer = new ShellLexer { RawQuotes = true, RawEscapes = true, SkipUnsetEnv = true };
        Assert.Equal(["<<EOF", "'a b'", "\\\"c", "$X"], lexer.ProcessWords("<<EOF 'a b' \\\"c $X", DictionaryShellEnvironment.Empty));
    }

    [Theory]
    [InlineData("\"$S\"", "\"v\"")]
    [InlineData("'$S'", "'v'")]
    [InlineData("'a", "'a")]
    [InlineData("\\\"a", "\"a")]
    public void SkipProcessQuotesTreatsQuotesAsOrdinaryCharacters(string word, string expected)
    {
        Assert.Equal(expected, new ShellLexer { SkipProcessQuotes = true }.ProcessWord(word, Env));
    }

    [Fact]
    public void SkipProcessQuotesSplitsInsideQuotes()
    {
        Assert.Equal(["\"a", "b\""], new ShellLexer { SkipProcessQuotes = true }.ProcessWords("\"a b\"", Env));
    }

    [Theory]
    [InlineData("a`$S", "a$S")]
    [InlineData("a\\$S", "a\\v")]
    [InlineData("a\\b", "a\\b")]
    [InlineData("\"a`\"b\"", "a\"b")]
    [InlineData("\"a``b\"", "a`b")]
    [InlineData("\"a`$S\"", "a$S")]
    [InlineData("\"a`xb\"", "a`xb")]
    [InlineData("\"a\\b\"", "a\\b")]
    [InlineData("\"a\\\"", "a\\")]
    [InlineData("${X:-a`}b}", "a}b")]
    [InlineData("C:`\\dir", "C:\\dir")]
    [InlineData("abc`", "abc")]
    public void BacktickEscapeToken(string word, string expected)
    {
        Assert.Equal(expected, new ShellLexer('`').ProcessWord(word, Env));
    }

    [Fact]
    public void BacktickEscapedBlankDoesNotSplit()
    {
        Assert.Equal(["a b", "c"], new ShellLexer('`').ProcessWords("a` b c", Env));
    }

    [Theory]
    [InlineData("a\\b", "ab")]
    [InlineData("a\\\\b", "a\\b")]
    [InlineData("\"a\\b\"", "a\\b")]
    [InlineData("\"a\\\\b\"", "a\\b")]
    [InlineData("\"a\\$S\"", "a$S")]
    [InlineData("\"a\\`\"", "a\\`")]
    [InlineData("'a\\'", "a\\")]
    [InlineData("\\'a", "'a")]
    [InlineData("\"'$S'\"", "'v'")]
    [InlineData("'\"$S\"'", "\"$S\"")]
    [InlineData("\uFEFFabc", "abc")]
    [InlineData("a\uFEFFb", "a\uFEFFb")]
    public void BackslashEscapesAndQuotes(string word, string expected)
    {
        Assert.Equal(expected, new ShellLexer().ProcessWord(word, Env));
    }
}
