using System.Text.Json.Nodes;
using Img.Engine.Registry.Credentials;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Registry;

public sealed class CredentialHelperTests : IClassFixture<FakeCredentialHelper>, IDisposable
{
    private readonly FakeCredentialHelper _helper;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"img-credcfg-{Guid.NewGuid():N}");

    public CredentialHelperTests(FakeCredentialHelper helper)
    {
        _helper = helper;
        Directory.CreateDirectory(_dir);
    }

    private string ConfigPath => Path.Combine(_dir, "config.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Get_reads_the_helper_json()
    {
        _helper.Seed("get.example.com:5000", "alice", "from-helper");
        var helper = new CredentialHelper(FakeCredentialHelper.Name);
        Assert.Equal(new RegistryCredential("alice", "from-helper"), await helper.GetAsync("get.example.com:5000"));
        Assert.Null(await helper.GetAsync("nothing.example.com"));
    }

    [Fact]
    public async Task A_token_username_means_an_identity_token()
    {
        _helper.Seed("token.example.com", "<token>", "refresh-123");
        var credential = await new CredentialHelper(FakeCredentialHelper.Name).GetAsync("token.example.com");
        Assert.NotNull(credential);
        Assert.True(credential.HasIdentityToken);
        Assert.Equal("refresh-123", credential.IdentityToken);
    }

    [Fact]
    public async Task Creds_store_login_goes_to_the_helper_and_leaves_an_empty_auths_entry()
    {
        File.WriteAllText(ConfigPath, $$$"""{"credsStore":"{{{FakeCredentialHelper.Name}}}"}""");
        var store = new DockerConfigCredentialStore(ConfigPath);
        await store.StoreAsync("store.example.com", new RegistryCredential("bob", "very-secret-pw"));

        var text = File.ReadAllText(ConfigPath);
        Assert.DoesNotContain("very-secret-pw", text);
        Assert.Empty(JsonNode.Parse(text)!["auths"]!["store.example.com"]!.AsObject());
        Assert.DoesNotContain("very-secret-pw", File.ReadAllText(_helper.ArgvLog));
        Assert.Equal(new RegistryCredential("bob", "very-secret-pw"), await store.GetAsync("store.example.com", default));

        Assert.True(await store.EraseAsync("store.example.com"));
        Assert.Null(await store.GetAsync("store.example.com", default));
        Assert.Null(await new CredentialHelper(FakeCredentialHelper.Name).GetAsync("store.example.com"));
    }

    [Fact]
    public async Task Docker_hub_goes_to_the_helper_as_the_index_v1_url()
    {
        File.WriteAllText(ConfigPath, "{\"credHelpers\":{\"docker.io\":\"" + FakeCredentialHelper.Name + "\"}}");
        _helper.Seed(RegistryServerKey.DockerHubKey, "hubuser", "hubpass");
        var store = new DockerConfigCredentialStore(ConfigPath);
        Assert.Equal(new RegistryCredential("hubuser", "hubpass"), await store.GetAsync("docker.io", default));
        Assert.Equal(new RegistryCredential("hubuser", "hubpass"), await store.GetAsync("index.docker.io", default));
    }

    [Fact]
    public async Task Cred_helpers_win_and_a_helper_miss_falls_back_to_auths()
    {
        var fileAuth = Convert.ToBase64String("file-user:file-pass"u8);
        File.WriteAllText(ConfigPath, $$"""
            {"credHelpers":{"helped.example.com":"{{FakeCredentialHelper.Name}}"},
             "auths":{"helped.example.com":{"auth":"{{fileAuth}}"},"plain.example.com":{"auth":"{{fileAuth}}" } } }
            """);
        var store = new DockerConfigCredentialStore(ConfigPath);
        Assert.Equal("file-user", (await store.GetAsync("helped.example.com", default))?.Username); // helper has none yet
        _helper.Seed("helped.example.com", "helper-user", "helper-pass");
        Assert.Equal("helper-user", (await store.GetAsync("helped.example.com", default))?.Username);
        Assert.Equal("file-user", (await store.GetAsync("plain.example.com", default))?.Username);
    }

    [Fact]
    public async Task A_missing_helper_program_is_a_clear_error()
    {
        File.WriteAllText(ConfigPath, """{"credsStore":"img-no-such-helper"}""");
        var store = new DockerConfigCredentialStore(ConfigPath);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.GetAsync("x.example.com", default));
        Assert.Contains("docker-credential-img-no-such-helper", e.Message);
    }

    [Fact]
    public void Helper_names_cannot_escape_the_naming_scheme()
    {
        Assert.Throws<ArgumentException>(() => new CredentialHelper("../../bin/sh"));
        Assert.Throws<ArgumentException>(() => new CredentialHelper(""));
    }
}
