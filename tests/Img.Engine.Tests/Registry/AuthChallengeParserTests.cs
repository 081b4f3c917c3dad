using Img.Engine.Registry.Auth;
using Xunit;

namespace Img.Engine.Tests.Registry;

public sealed class AuthChallengeParserTests
{
    [Fact]
    public void Bearer_with_quoted_realm_service_and_comma_scope()
    {
        var c = Assert.Single(AuthChallengeParser.Parse(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\""));
        Assert.True(c.IsBearer);
        Assert.Equal("https://auth.docker.io/token", c.Realm);
        Assert.Equal("registry.docker.io", c.Service);
        Assert.Equal(["repository:samalba/my-app:pull,push"], c.Scopes);
    }

    [Fact]
    public void Basic_and_case_insensitive_names_and_escapes()
    {
        var c = Assert.Single(AuthChallengeParser.Parse("basic Realm=\"a \\\"quoted\\\" realm\""));
        Assert.True(c.IsBasic);
        Assert.Equal("a \"quoted\" realm", c.Realm);
    }

    [Fact]
    public void Several_challenges_in_one_value_and_unquoted_tokens()
    {
        var cs = AuthChallengeParser.Parse("Basic realm=x, Bearer realm=\"http://h/t\", service=svc, error=\"insufficient_scope\"");
        Assert.Equal(2, cs.Count);
        Assert.Equal("x", cs[0].Realm);
        Assert.True(cs[1].IsBearer);
        Assert.Equal("svc", cs[1].Service);
        Assert.Equal("insufficient_scope", cs[1].Error);
    }

    [Fact]
    public void Space_separated_scopes_split()
    {
        var c = Assert.Single(AuthChallengeParser.Parse("Bearer realm=\"r\",scope=\"repository:a:pull repository:b:pull,push\""));
        Assert.Equal(["repository:a:pull", "repository:b:pull,push"], c.Scopes);
    }

    [Fact]
    public void Empty_header_gives_nothing()
    {
        Assert.Empty(AuthChallengeParser.Parse(""));
        Assert.Empty(AuthChallengeParser.Parse(" , "));
    }
}
