using Img.Engine.Frontend.Dockerfile.Shell;
using Xunit;

namespace Img.Engine.Tests.Frontend.Shell;

public sealed class DictionaryShellEnvironmentTests
{
    [Fact]
    public void PairsWithoutValueAreSetAndEmpty()
    {
        var env = DictionaryShellEnvironment.FromPairs(["A", "B=", "C=x=y"]);
        Assert.True(env.TryGet("A", out var a));
        Assert.Equal("", a);
        Assert.True(env.TryGet("B", out var b));
        Assert.Equal("", b);
        Assert.True(env.TryGet("C", out var c));
        Assert.Equal("x=y", c);
        Assert.False(env.TryGet("D", out var d));
        Assert.Equal("", d);
    }

    [Fact]
    public void LastDefinitionWinsAndFirstPositionIsKept()
    {
        var env = DictionaryShellEnvironment.FromPairs(["car=hat", "foo=bar", "car=bike"]);
        Assert.True(env.TryGet("car", out var car));
        Assert.Equal("bike", car);
        Assert.Equal(["car", "foo"], env.Names);
        Assert.Equal(["car=bike", "foo=bar"], env.ToPairs());
    }

    [Fact]
    public void NamesAreCaseSensitive()
    {
        var env = DictionaryShellEnvironment.FromPairs(["PWD=/home"]);
        Assert.False(env.TryGet("pwd", out _));
    }

    [Fact]
    public void WithReturnsANewEnvironment()
    {
        var first = DictionaryShellEnvironment.Empty.With("A", "1");
        var second = first.With("B", "2").With("A", "3");
        Assert.Equal(["A=1"], first.ToPairs());
        Assert.Equal(["A=3", "B=2"], second.ToPairs());
        Assert.Equal(2, second.Count);
        Assert.Empty(DictionaryShellEnvironment.Empty.Names);
    }

    [Fact]
    public void FromKeyValuePairs()
    {
        var env = new DictionaryShellEnvironment([new("X", "1"), new("Y", "2")]);
        Assert.Equal(["X=1", "Y=2"], env.ToPairs());
    }
}
