using Img.Engine.Frontend.Dockerfile.Instructions;
using Xunit;

namespace Img.Engine.Tests.Frontend.Instructions;

public class RunMountTests
{
    private static RunMount Parse(string spec) => RunMount.Parse(spec, s => s);

    [Fact]
    public void DefaultsToReadOnlyBind()
    {
        var m = Parse("target=/src");
        Assert.Equal(RunMountType.Bind, m.Type);
        Assert.True(m.ReadOnly);
        Assert.Equal("/src", m.Target);
    }

    [Fact]
    public void CacheOptions()
    {
        var m = Parse("type=cache,id=go,target=/root/.cache,sharing=locked,mode=0700,uid=1000,gid=1001");
        Assert.Equal(RunMountType.Cache, m.Type);
        Assert.False(m.ReadOnly);
        Assert.Equal("go", m.CacheId);
        Assert.Equal(CacheSharing.Locked, m.Sharing);
        Assert.Equal(448u, m.Mode);
        Assert.Equal(1000u, m.Uid);
        Assert.Equal(1001u, m.Gid);
    }

    [Fact]
    public void AliasesAndFlags()
    {
        var m = Parse("type=bind,from=build,src=/out,dst=/in,rw");
        Assert.Equal("build", m.From);
        Assert.Equal("/out", m.Source);
        Assert.Equal("/in", m.Target);
        Assert.False(m.ReadOnly);
        Assert.True(Parse("type=cache,target=/c,ro=true").ReadOnly);
        Assert.Equal(64L << 20, Parse("type=tmpfs,target=/t,size=64m").SizeLimit);
    }

    [Fact]
    public void SecretAndSsh()
    {
        var s = Parse("type=secret,id=npmrc,target=/root/.npmrc,required,env=TOKEN");
        Assert.Equal(RunMountType.Secret, s.Type);
        Assert.True(s.Required);
        Assert.Equal("TOKEN", s.Env);
        Assert.True(s.ReadOnly);
        Assert.Equal(RunMountType.Ssh, Parse("type=ssh,required=true").Type);
    }

    [Fact]
    public void QuotedCsvFields()
    {
        Assert.Equal("/a,b", Parse("type=bind,\"target=/a,b\"").Target);
    }

    [Theory]
    [InlineData("type=bnd,target=/x", "unsupported mount type \"bnd\" (did you mean bind?)")]
    [InlineData("type=cache,target=/x,sharing=lockd", "unsupported sharing value \"lockd\" (did you mean locked?)")]
    [InlineData("type=cache,targt=/x", "unexpected key 'targt' in 'targt=/x' (did you mean target?)")]
    [InlineData("type=bind,target=/x,mode=0700", "mode not allowed for \"bind\" type mounts")]
    [InlineData("type=tmpfs,target=/x,uid=1", "uid not allowed for \"tmpfs\" type mounts")]
    [InlineData("type=bind,target=/x,size=1m", "unexpected key 'size' for mount type 'bind'")]
    [InlineData("type=bind,target=/x,required", "unexpected key 'required' for mount type 'bind'")]
    [InlineData("type=secret,from=x,id=a", "secret mount should not have a from")]
    [InlineData("type=secret,sharing=shared,id=a", "secret mount should not define sharing")]
    [InlineData("type=secret", "invalid secret mount. one of source, target required")]
    [InlineData("type=secret,source=a,id=b", "both source and id can't be set")]
    [InlineData("type=bind,target=/x,sharing=shared", "invalid cache sharing set for bind mount")]
    [InlineData("type=cache,target=/x,mode=9", "invalid value 9 for mode")]
    [InlineData("type=cache,target=/x,uid=x", "invalid value x for uid")]
    [InlineData("type=bind,target=/x,ro=maybe", "invalid value for ro: maybe")]
    [InlineData("type=tmpfs,target=/x,size=lots", "invalid value for size: lots")]
    [InlineData("type=bind,target", "invalid field 'target' must be a key=value pair")]
    public void Errors(string spec, string message)
    {
        Assert.Equal(message, Assert.Throws<InstructionException>(() => Parse(spec)).Message);
    }

    [Fact]
    public void ParseTimePassOnlyReadsFrom()
    {
        var m = RunMount.Parse("type=$T,from=build,target=$DIR", expand: null);
        Assert.Equal("build", m.From);
        Assert.Equal(RunMountType.Bind, m.Type);
        Assert.Equal("", m.Target);
    }
}
