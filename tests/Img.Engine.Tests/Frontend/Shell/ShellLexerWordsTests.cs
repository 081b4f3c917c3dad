using Img.Engine.Frontend.Dockerfile.Shell;
using Xunit;

namespace Img.Engine.Tests.Frontend.Shell;

/// <summary>ProcessWords: where the expansion splits into words.</summary>
public sealed class ShellLexerWordsTests
{
    private static readonly DictionaryShellEnvironment Env = DictionaryShellEnvironment.FromPairs(["SPACE=x  y", "S=v"]);

    private static string[] Words(string word) => [.. new ShellLexer().ProcessWords(word, Env)];

    [Theory]
    [InlineData("a  b\tc", new[] { "a", "b", "c" })]
    [InlineData("  lead trail  ", new[] { "lead", "trail" })]
    [InlineData("a\\ b", new[] { "a b" })]
    [InlineData("\"a b\"c d", new[] { "a bc", "d" })]
    [InlineData("$SPACE", new[] { "x", "y" })]
    [InlineData("\"$SPACE\"", new[] { "x  y" })]
    [InlineData("pre$SPACE", new[] { "prex", "y" })]
    [InlineData("a ''", new[] { "a" })]
    [InlineData("''", new string[0])]
    [InlineData("", new string[0])]
    [InlineData("$UNSET", new string[0])]
    [InlineData("80/tcp $S", new[] { "80/tcp", "v" })]
    public void Splitting(string word, string[] expected) => Assert.Equal(expected, Words(word));

    [Theory]
    [InlineData("cat <<EOF", new[] { "cat", "<<EOF" })]
    [InlineData("cat << EOF", new[] { "cat", "<< EOF" })]
    [InlineData("cat <<\t \"EOF\"", new[] { "cat", "<<\t EOF" })]
    [InlineData("a<b", new[] { "a<b" })]
    [InlineData("a < b", new[] { "a", "<", "b" })]
    [InlineData("\"<< x\"", new[] { "<< x" })]
    public void HeredocMarkerKeepsItsBlanks(string word, string[] expected) => Assert.Equal(expected, Words(word));

    [Fact]
    public void HeredocMarkerIsKeptInSingleWordMode()
    {
        Assert.Equal("x <<  y", new ShellLexer().ProcessWord("x <<  y", Env));
    }

    [Theory]
    // BuildKit shares one word buffer between nesting levels, so a ${...} with a nested word
    // discards the part of the current word before it. Instructions (EXPOSE) see this result.
    [InlineData("hello${X:-abc}def", new[] { "abcdef" })]
    [InlineData("a b${X:-c}d", new[] { "a", "cd" })]
    [InlineData("pre\"${X:-in}\"", new[] { "in" })]
    [InlineData("x ${X:-}y", new[] { "x", "y" })]
    [InlineData("${X:-a b}", new[] { "a", "b" })]
    [InlineData("hello${S}def", new[] { "hellovdef" })]
    public void NestedWordsAndTheSharedBuffer(string word, string[] expected) => Assert.Equal(expected, Words(word));

    [Fact]
    public void WordsFromMatchesAgreeWithProcessWords()
    {
        const string word = "a \"b c\" $SPACE ${X:-z}";
        var lexer = new ShellLexer();
        Assert.Equal(lexer.ProcessWords(word, Env), lexer.ProcessWordWithMatches(word, Env).Words);
    }
}
