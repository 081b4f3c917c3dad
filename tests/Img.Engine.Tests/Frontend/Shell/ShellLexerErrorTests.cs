using Img.Engine.Frontend.Dockerfile.Shell;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Frontend.Shell;

/// <summary>Failures carry BuildKit's exact text, so users see what docker build prints.</summary>
public sealed class ShellLexerErrorTests
{
    private static readonly DictionaryShellEnvironment Env = DictionaryShellEnvironment.FromPairs(["S=v", "E=", "B=\\"]);

    [Theory]
    [InlineData("\"abc", "unexpected end of statement while looking for matching double-quote")]
    [InlineData("\"abc\\\"", "unexpected end of statement while looking for matching double-quote")]
    [InlineData("\"abc\\", "unexpected end of statement while looking for matching double-quote")]
    [InlineData("'abc", "unexpected end of statement while looking for matching single-quote")]
    [InlineData("${", "syntax error: missing '}'")]
    [InlineData("a${", "syntax error: missing '}'")]
    [InlineData("${}", "syntax error: bad substitution")]
    [InlineData("${:-x}", "syntax error: bad substitution")]
    [InlineData("${{S}", "syntax error: bad substitution")]
    [InlineData("${S", "unsupported modifier (\uFFFD) in substitution")]
    [InlineData("${S:-abc", "syntax error: missing '}'")]
    [InlineData("${S:-\"abc}", "syntax error: missing '}'")]
    [InlineData("${S:-${X}", "syntax error: missing '}'")]
    [InlineData("${S:", "syntax error: missing '}'")]
    [InlineData("${S:}", "syntax error: missing '}'")]
    [InlineData("${S#a\\}", "syntax error: missing '}'")]
    [InlineData("${S/abc", "syntax error: missing '/' in ${}")]
    [InlineData("${S//}", "syntax error: missing '/' in ${}")]
    [InlineData("${S//ab}", "syntax error: missing '/' in ${}")]
    [InlineData("${S/a/b", "syntax error: missing '}'")]
    [InlineData("${S:=1}", "unsupported modifier (:=) in substitution")]
    [InlineData("${S=1}", "unsupported modifier (=) in substitution")]
    [InlineData("${S:}x}", "unsupported modifier (:}) in substitution")]
    [InlineData("${S:#a}", "unsupported modifier (:#) in substitution")]
    [InlineData("${S:##a}", "unsupported modifier (:#) in substitution")]
    [InlineData("${S:%a}", "unsupported modifier (:%) in substitution")]
    [InlineData("${S.}", "unsupported modifier (.) in substitution")]
    [InlineData("${.}", "unsupported modifier (.) in substitution")]
    [InlineData("${#S}", "unsupported modifier (S) in substitution")]
    [InlineData("${X?}", "X: is not allowed to be unset")]
    [InlineData("${X:?}", "X: is not allowed to be unset")]
    [InlineData("${E:?}", "E: is not allowed to be empty")]
    [InlineData("${X?must set $S}", "X: must set v")]
    [InlineData("${E:?need ${S}!}", "E: need v!")]
    [InlineData("${S#\\x}", "invalid pattern (\\x) in substitution: invalid escape '\\x'")]
    [InlineData("${X#\\x}", "invalid pattern (\\x) in substitution: invalid escape '\\x'")]
    [InlineData("${S%a\\x}", "invalid pattern (\\xa) in substitution: invalid escape '\\x'")]
    [InlineData("${S/\\x/y}", "invalid pattern (\\x) in substitution: invalid escape '\\x'")]
    [InlineData("${S#$B}", "invalid pattern (\\) in substitution: invalid escape '\\\uFFFD'")]
    public void Reason(string word, string reason)
    {
        var ex = Assert.Throws<ShellExpansionException>(() => new ShellLexer().ProcessWord(word, Env));
        Assert.Equal(reason, ex.Reason);
        Assert.Equal(word, ex.Word);
    }

    [Theory]
    [InlineData("${S:-", "}")]
    [InlineData("${S:-\"", "\"}")]
    [InlineData("${S/", "/x}")]
    [InlineData("${X:-", "")]
    public void DeepNestingIsACleanErrorOnASmallStack(string open, string close)
    {
        string Nest(int depth) => string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, depth));
        var lexer = new ShellLexer();

        if (close.Length > 0)
        {
            SmallStack.Run(() => lexer.ProcessWord(Nest(50), Env));
        }
        else
        {
            var unterminated = Assert.Throws<ShellExpansionException>(() => SmallStack.Run(() => lexer.ProcessWord(Nest(50), Env)));
            Assert.Equal("syntax error: missing '}'", unterminated.Reason);
        }
        foreach (var depth in new[] { ShellWordProcessor.MaxNestingDepth + 1, 100_000 })
        {
            var ex = Assert.Throws<ShellExpansionException>(() => lexer.ProcessWord(Nest(depth), Env));
            Assert.Equal(ShellWordProcessor.NestedTooDeeply, ex.Reason);
            ex = Assert.Throws<ShellExpansionException>(() => SmallStack.Run(() => lexer.ProcessWord(Nest(depth), Env)));
            Assert.Equal(ShellWordProcessor.NestedTooDeeply, ex.Reason);
        }
    }

    [Fact]
    public void MessageQuotesTheWordLikeGo()
    {
        var ex = Assert.Throws<ShellExpansionException>(() => new ShellLexer().ProcessWord("${X?}", Env));
        Assert.Equal("failed to process \"${X?}\": X: is not allowed to be unset", ex.Message);

        ex = Assert.Throws<ShellExpansionException>(() => new ShellLexer().ProcessWord("\"a\tb\\\n\u00a0é", Env));
        Assert.Equal(
            "failed to process \"\\\"a\\tb\\\\\\n\\u00a0é\": unexpected end of statement while looking for matching double-quote",
            ex.Message);
    }

    [Fact]
    public void AllOperationsFailTheSameWay()
    {
        var lexer = new ShellLexer();
        Assert.Throws<ShellExpansionException>(() => lexer.ProcessWords("${X?}", Env));
        Assert.Throws<ShellExpansionException>(() => lexer.ProcessWordWithMatches("${X?}", Env));
    }

    [Fact]
    public void SkipUnsetEnvSuppressesRequiredValueErrorsButNotSyntaxErrors()
    {
        var lexer = new ShellLexer { SkipUnsetEnv = true };
        Assert.Equal("${X?oops}", lexer.ProcessWord("${X?oops}", Env));
        Assert.Equal("${X:?}", lexer.ProcessWord("${X:?}", Env));
        Assert.Throws<ShellExpansionException>(() => lexer.ProcessWord("${E:?}", Env));
        Assert.Throws<ShellExpansionException>(() => lexer.ProcessWord("${X", Env));
        // An unknown modifier on an unset name is written back before it is checked (as upstream).
        Assert.Equal("${X:=1}", lexer.ProcessWord("${X:=1}", Env));
        Assert.Throws<ShellExpansionException>(() => lexer.ProcessWord("${S:=1}", Env));
    }

    [Fact]
    public void OnlyBackslashAndBacktickAreEscapeTokens()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShellLexer('x'));
        Assert.Equal('`', new ShellLexer('`').EscapeToken);
        Assert.Equal('\\', new ShellLexer().EscapeToken);
    }
}
