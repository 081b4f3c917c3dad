using Img.Engine.Registry.Auth;
using Xunit;

namespace Img.Engine.Tests.Registry;

public sealed class AuthScopeTests
{
    [Fact]
    public void Repository_scopes_format_as_the_distribution_spec_says()
    {
        Assert.Equal("repository:library/busybox:pull", AuthScope.Pull("library/busybox").ToString());
        Assert.Equal("repository:a/b:pull,push", AuthScope.PullPush("a/b").ToString());
    }

    [Fact]
    public void Names_with_a_port_parse_on_the_outer_colons()
    {
        var s = AuthScope.Parse("repository:localhost:5000/app:pull,push");
        Assert.Equal("repository", s.ResourceType);
        Assert.Equal("localhost:5000/app", s.Name);
        Assert.Equal(["pull", "push"], s.Actions);
    }

    [Fact]
    public void Normalize_merges_actions_and_orders_resources()
    {
        Assert.Equal(["repository:a:pull", "repository:b:pull,push"],
            AuthScope.Normalize(["repository:b:push", "repository:a:pull", "repository:b:pull", "repository:a:pull"]));
    }

    [Fact]
    public void Invalid_scope_is_refused()
    {
        Assert.Throws<FormatException>(() => AuthScope.Parse("repository"));
        Assert.Throws<FormatException>(() => AuthScope.Parse("repository:x"));
    }

    [Fact]
    public void Cache_keys_do_not_depend_on_scope_order()
    {
        Assert.Equal(TokenCache.Key("r", "s", ["repository:b:pull", "repository:a:push,pull"]),
            TokenCache.Key("r", "s", ["repository:a:pull,push", "repository:b:pull"]));
        Assert.NotEqual(TokenCache.Key("r", "s", ["repository:a:pull"]), TokenCache.Key("r", "s", ["repository:a:pull,push"]));
    }
}
