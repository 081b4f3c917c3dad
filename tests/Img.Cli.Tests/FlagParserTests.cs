using Img.Cli.CommandLine;

namespace Img.Cli.Tests;

public class FlagParserTests
{
    private static readonly FlagSpec[] Specs =
    [
        new("tag", 't', true, "", Repeatable: true),
        new("file", 'f', true, ""),
        new("quiet", 'q', false, ""),
        new("no-cache", null, false, ""),
    ];

    [Theory]
    [InlineData("-t", "a")]
    [InlineData("--tag", "a")]
    [InlineData("--tag=a")]
    [InlineData("-ta")]
    [InlineData("-t=a")]
    public void ValueFlagForms(params string[] args)
    {
        var p = FlagParser.Parse("build", Specs, args);
        Assert.Equal("a", p.Value("tag"));
    }

    [Fact]
    public void RepeatableFlagsAccumulateAndOthersKeepTheLast()
    {
        var p = FlagParser.Parse("build", Specs, ["-t", "a", "-f", "x", "--tag=b", "-f", "y", "ctx"]);
        Assert.Equal(["a", "b"], p.Values("tag"));
        Assert.Equal("y", p.Value("file"));
        Assert.Equal(["ctx"], p.Positionals);
    }

    [Fact]
    public void GroupedShortBooleansAndDoubleDash()
    {
        var p = FlagParser.Parse("build", Specs, ["-qt", "x", "--", "--no-cache"]);
        Assert.True(p.Bool("quiet"));
        Assert.Equal("x", p.Value("tag"));
        Assert.False(p.Has("no-cache"));
        Assert.Equal(["--no-cache"], p.Positionals);
    }

    [Fact]
    public void BooleanCanBeTurnedOffExplicitly()
    {
        var p = FlagParser.Parse("build", Specs, ["--no-cache=false"]);
        Assert.False(p.Bool("no-cache"));
    }

    [Fact]
    public void MissingValueIsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => FlagParser.Parse("build", Specs, ["--file"]));
        Assert.Equal("flag needs an argument: --file", e.Message);
    }

    [Fact]
    public void DashAloneIsAPositional()
    {
        var p = FlagParser.Parse("build", Specs, ["-"]);
        Assert.Equal(["-"], p.Positionals);
    }
}
