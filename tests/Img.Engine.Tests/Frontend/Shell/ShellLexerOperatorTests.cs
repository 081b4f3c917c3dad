using Img.Engine.Frontend.Dockerfile.Shell;
using Xunit;

namespace Img.Engine.Tests.Frontend.Shell;

/// <summary>Each ${...} operator, against set, empty and unset variables.</summary>
public sealed class ShellLexerOperatorTests
{
    private static readonly DictionaryShellEnvironment Env = DictionaryShellEnvironment.FromPairs(
    [
        "SET=value", "EMPTY=", "PATHY=/usr/local/bin/tool.tar.gz", "STARS=ab**", "Q=???z",
        "EMOJI=😀x😀", "REPL=[$0]", "DOLLARS=$$", "SPACE=a  b", "변수=값",
    ]);

    private static string Expand(string word) => new ShellLexer().ProcessWord(word, Env);

    [Theory]
    [InlineData("$SET", "value")]
    [InlineData("${SET}", "value")]
    [InlineData("x$SET-y", "xvalue-y")]
    [InlineData("$SET$SET", "valuevalue")]
    [InlineData("$UNSET", "")]
    [InlineData("${UNSET}", "")]
    [InlineData("$변수", "값")]
    [InlineData("$", "$")]
    [InlineData("a$", "a$")]
    [InlineData("$ x", "$ x")]
    [InlineData("$/", "$/")]
    [InlineData("${SPACE}", "a  b")]
    public void PlainReferences(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("${SET:-d}", "value")]
    [InlineData("${EMPTY:-d}", "d")]
    [InlineData("${UNSET:-d}", "d")]
    [InlineData("${SET-d}", "value")]
    [InlineData("${EMPTY-d}", "")]
    [InlineData("${UNSET-d}", "d")]
    [InlineData("${UNSET:-}", "")]
    [InlineData("${UNSET:-$SET}", "value")]
    [InlineData("${UNSET:-${EMPTY:-${SET}}}", "value")]
    [InlineData("${UNSET:-a b  c}", "a b  c")]
    [InlineData("${UNSET:-'q}'}", "q}")]
    [InlineData("${UNSET:-\"$SET\"}", "value")]
    [InlineData("${UNSET:-a\\}b}", "a}b")]
    public void DefaultValue(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("${SET:+alt}", "alt")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("${SET+alt}", "alt")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${UNSET+alt}", "")]
    [InlineData("${SET:+-$SET}", "-value")]
    public void AlternativeValue(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("${SET:?msg}", "value")]
    [InlineData("${SET?msg}", "value")]
    [InlineData("${EMPTY?msg}", "")]
    public void RequiredValuePresent(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("${PATHY#*/}", "usr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY##*/}", "tool.tar.gz")]
    [InlineData("${PATHY%.*}", "/usr/local/bin/tool.tar")]
    [InlineData("${PATHY%%.*}", "/usr/local/bin/tool")]
    [InlineData("${PATHY#/usr}", "/local/bin/tool.tar.gz")]
    [InlineData("${PATHY#nomatch}", "/usr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY%gz}", "/usr/local/bin/tool.tar.")]
    [InlineData("${PATHY#}", "/usr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY##}", "/usr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY%}", "/usr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY#*}", "/usr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY##*}", "")]
    [InlineData("${PATHY#/?sr}", "/local/bin/tool.tar.gz")]
    [InlineData("${PATHY#$EMPTY}", "/usr/local/bin/tool.tar.gz")]
    [InlineData("${STARS%%\\**}", "ab")]
    [InlineData("${STARS%\\*}", "ab*")]
    [InlineData("${Q#?\\?}", "?z")]
    [InlineData("${UNSET#*}", "")]
    [InlineData("${UNSET%x}", "")]
    [InlineData("${EMOJI#?}", "x😀")]
    [InlineData("${EMOJI%?}", "😀x")]
    [InlineData("${EMOJI%x*}", "😀")]
    public void PrefixAndSuffixRemoval(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Fact]
    public void PatternMetacharactersAreLiteral()
    {
        var env = DictionaryShellEnvironment.FromPairs(["V=()[]{}^$.+|*?\\rest"]);
        Assert.Equal("rest", new ShellLexer().ProcessWord("${V#()[]{\\}^$.+|\\*\\?\\\\}", env));
        // A pattern character class is not supported: '[' is an ordinary character.
        var brackets = DictionaryShellEnvironment.FromPairs(["V=abc"]);
        Assert.Equal("abc", new ShellLexer().ProcessWord("${V#[a]}", brackets));
    }

    [Theory]
    [InlineData("${PATHY/o/0}", "/usr/l0cal/bin/tool.tar.gz")]
    [InlineData("${PATHY//o/0}", "/usr/l0cal/bin/t00l.tar.gz")]
    [InlineData("${PATHY/\\/usr/\\/opt}", "\\/opt/local/bin/tool.tar.gz")] // escapes stay in the replacement
    [InlineData("${PATHY//\\//:}", ":usr:local:bin:tool.tar.gz")]
    [InlineData("${PATHY//\\//\\/}", "\\/usr\\/local\\/bin\\/tool.tar.gz")]
    [InlineData("${PATHY/*\\//}", "tool.tar.gz")]
    [InlineData("${PATHY/?/X}", "Xusr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY/nomatch/X}", "/usr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY/$EMPTY/X}", "X/usr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY///}", "/usr/local/bin/tool.tar.gz")]
    [InlineData("${PATHY/o/}", "/usr/lcal/bin/tool.tar.gz")]
    [InlineData("${UNSET/a/b}", "")]
    [InlineData("${UNSET///}", "")]
    [InlineData("${SET/va/$SET}", "valuelue")]
    public void PatternReplacement(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Fact]
    public void ReplaceAllSkipsAnEmptyMatchRightAfterAMatch()
    {
        // Go's ReplaceAllString: ".*" matches "abc" and then the empty end, which is skipped.
        var env = DictionaryShellEnvironment.FromPairs(["V=abc", "E="]);
        Assert.Equal("-", new ShellLexer().ProcessWord("${V//*/-}", env));
        Assert.Equal("-", new ShellLexer().ProcessWord("${E//*/-}", env));
        // An empty pattern matches between every character.
        Assert.Equal("-a-b-c-", new ShellLexer().ProcessWord("${V//$E/-}", env));
    }

    [Fact]
    public void ReplaceAllExpandsGoTemplateReferencesInTheReplacement()
    {
        // Only the replace-all form goes through Go's template expansion: $0 is the match, $$ a
        // dollar, other groups do not exist. Replacing one match inserts the text as is.
        Assert.Equal("/usr/l[o]cal/bin/t[o][o]l.tar.gz", Expand("${PATHY//o/$REPL}"));
        Assert.Equal("/usr/l[$0]cal/bin/tool.tar.gz", Expand("${PATHY/o/$REPL}"));
        Assert.Equal("/usr/l$cal/bin/t$$l.tar.gz", Expand("${PATHY//o/$DOLLARS}"));
        var env = DictionaryShellEnvironment.FromPairs(["V=xox", "R1=<$1>", "R2=<${0}>", "R3=<$ >", "R4=<$00>", "R5=<${0>"]);
        var lexer = new ShellLexer();
        Assert.Equal("x<>x", lexer.ProcessWord("${V//o/$R1}", env));
        Assert.Equal("x<o>x", lexer.ProcessWord("${V//o/$R2}", env));
        Assert.Equal("x<$ >x", lexer.ProcessWord("${V//o/$R3}", env));
        Assert.Equal("x<>x", lexer.ProcessWord("${V//o/$R4}", env));
        Assert.Equal("x<${0>x", lexer.ProcessWord("${V//o/$R5}", env));
    }

    [Theory]
    [InlineData("$1", "")]
    [InlineData("$1x", "x")]
    [InlineData("$10x", "x")]
    [InlineData("${10:-ten}", "ten")]
    [InlineData("$0", "")]
    [InlineData("$@", "")]
    [InlineData("$@@", "@")]
    [InlineData("$*x", "x")]
    [InlineData("$#", "")]
    [InlineData("$?", "")]
    [InlineData("$-", "")]
    [InlineData("$$", "")]
    [InlineData("$!", "")]
    [InlineData("${#:-n}", "n")]
    [InlineData("${!:+n}", "")]
    public void PositionalAndSpecialParametersAreNeverSet(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Fact]
    public void PositionalParametersCanBeDefinedLikeAnyName()
    {
        var env = DictionaryShellEnvironment.FromPairs(["1=one", "@=at"]);
        Assert.Equal("one-at", new ShellLexer().ProcessWord("$1-$@", env));
    }

    [Fact]
    public void MatchesReportFoundAndMissingNames()
    {
        var lexer = new ShellLexer();
        var result = lexer.ProcessWordWithMatches("${SET:-a} ${EMPTY-b} ${UNSET+c} $NOPE $SET", Env);
        Assert.Equal("value    value", result.Result);
        Assert.Equal(["EMPTY", "SET"], result.Matched.Order(StringComparer.Ordinal));
        Assert.Equal(["NOPE", "UNSET"], result.Unmatched.Order(StringComparer.Ordinal));
        Assert.Equal(["value", "value"], result.Words);
    }

    [Fact]
    public void MatchesIncludeNamesInsideNestedWordsAndPatterns()
    {
        var result = new ShellLexer().ProcessWordWithMatches("${PATHY#$EMPTY}${UNSET:-${SET}}${X/$Y/$Z}", Env);
        Assert.Equal(["EMPTY", "PATHY", "SET"], result.Matched.Order(StringComparer.Ordinal));
        Assert.Equal(["UNSET", "X", "Y", "Z"], result.Unmatched.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NoMatchesWhenNothingIsReferenced()
    {
        var result = new ShellLexer().ProcessWordWithMatches("plain '$X'", Env);
        Assert.Equal("plain $X", result.Result);
        Assert.Empty(result.Matched);
        Assert.Empty(result.Unmatched);
    }

    [Fact]
    public void PlatformStyleFileName()
    {
        const string word = "tool-${VERSION}.${OS}-${ARCH}${VARIANT:+-${VARIANT}}.tgz";
        var lexer = new ShellLexer();
        var armV7 = DictionaryShellEnvironment.FromPairs(["VERSION=1.0", "OS=linux", "ARCH=arm", "VARIANT=v7"]);
        Assert.Equal("tool-1.0.linux-arm-v7.tgz", lexer.ProcessWord(word, armV7));
        Assert.Equal("tool-1.0.linux-arm.tgz", lexer.ProcessWord(word, armV7.With("VARIANT", "")));
        var noVariant = DictionaryShellEnvironment.FromPairs(["VERSION=1.0", "OS=linux", "ARCH=arm64"]);
        Assert.Equal("tool-1.0.linux-arm64.tgz", lexer.ProcessWord(word, noVariant));
    }
}
