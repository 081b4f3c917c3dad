using System.Text;
using System.Text.Json.Nodes;
using Img.Engine.Registry.Credentials;
using Xunit;

namespace Img.Engine.Tests.Registry;

public sealed class DockerConfigFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"img-dockercfg-{Guid.NewGuid():N}");
    private string ConfigPath => Path.Combine(_dir, "docker", "config.json");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private void Write(string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        File.WriteAllText(ConfigPath, json);
    }

    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : File.GetUnixFileMode(path);

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Missing_file_is_an_empty_configuration()
    {
        var config = DockerConfigFile.Load(ConfigPath);
        Assert.Null(config.FindAuth("127.0.0.1:5000"));
        Assert.Null(config.CredsStore);
        Assert.Empty(config.CredHelpers);
    }

    [Fact]
    public void Reads_base64_auth_plain_fields_and_identity_tokens()
    {
        Write($$"""
            {
              "auths": {
                "127.0.0.1:5000": { "auth": "{{B64("alice:pa:ss")}}" },
                "reg.example.com": { "username": "bob", "password": "pw" },
                "tokens.example.com": { "auth": "{{B64("carol:")}}", "identitytoken": "refresh-me" }
              }
            }
            """);
        var config = DockerConfigFile.Load(ConfigPath);
        Assert.Equal(new RegistryCredential("alice", "pa:ss"), config.FindAuth("127.0.0.1:5000")!.ToCredential());
        Assert.Equal(new RegistryCredential("bob", "pw"), config.FindAuth("reg.example.com")!.ToCredential());
        var token = config.FindAuth("tokens.example.com")!.ToCredential()!;
        Assert.True(token.HasIdentityToken);
        Assert.Equal("refresh-me", token.IdentityToken);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("index.docker.io", "docker.io")]
    [InlineData("https://registry-1.docker.io/v2/", "docker.io")]
    [InlineData("http://127.0.0.1:5000/v2/", "127.0.0.1:5000")]
    [InlineData("https://reg.example.com", "reg.example.com")]
    public void Key_variants_are_found_by_host(string key, string registry)
    {
        Write("{\"auths\":{\"" + key + "\":{\"auth\":\"" + B64("u:p") + "\"}}}");
        Assert.Equal("u", DockerConfigFile.Load(ConfigPath).FindAuth(registry)?.Username);
    }

    [Fact]
    public void Docker_hub_is_written_under_the_index_v1_key()
    {
        var config = DockerConfigFile.Load(ConfigPath);
        config.SetAuth("docker.io", new RegistryCredential("u", "p"));
        config.Save();
        var json = JsonNode.Parse(File.ReadAllText(ConfigPath))!;
        Assert.Equal(B64("u:p"), json["auths"]!["https://index.docker.io/v1/"]!["auth"]!.GetValue<string>());
    }

    [Fact]
    public void Save_keeps_unknown_fields_writes_0600_and_never_plain_passwords()
    {
        Write("""{"psFormat":"table {{.ID}}","proxies":{"default":{"httpProxy":"http://p:3128"}},"auths":{"http://127.0.0.1:5000":{"auth":"eDp5"}}}""");
        var config = DockerConfigFile.Load(ConfigPath);
        config.SetAuth("127.0.0.1:5000", new RegistryCredential("alice", "hunter2"));
        config.Save();

        var text = File.ReadAllText(ConfigPath);
        var json = JsonNode.Parse(text)!;
        Assert.Equal("table {{.ID}}", json["psFormat"]!.GetValue<string>());
        Assert.Equal("http://p:3128", json["proxies"]!["default"]!["httpProxy"]!.GetValue<string>());
        var auths = json["auths"]!.AsObject();
        Assert.Equal(["127.0.0.1:5000"], auths.Select(kv => kv.Key)); // the old key variant is gone
        Assert.DoesNotContain("hunter2", text);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(ConfigPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(ConfigPath)!, "*.tmp"));
    }

    [Fact]
    public void Save_creates_a_private_directory()
    {
        var config = DockerConfigFile.Load(ConfigPath);
        config.SetAuth("127.0.0.1:5000", new RegistryCredential("a", "b"));
        config.Save();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            ModeOf(Path.GetDirectoryName(ConfigPath)!));
    }

    [Fact]
    public async Task File_store_login_and_logout()
    {
        var store = new DockerConfigCredentialStore(ConfigPath);
        Assert.Null(await store.GetAsync("127.0.0.1:5000", default));
        await store.StoreAsync("127.0.0.1:5000", new RegistryCredential("alice", "s3cret"));
        Assert.Equal(new RegistryCredential("alice", "s3cret"), await store.GetAsync("127.0.0.1:5000", default));
        Assert.True(await store.EraseAsync("127.0.0.1:5000"));
        Assert.Null(await store.GetAsync("127.0.0.1:5000", default));
        Assert.False(await store.EraseAsync("127.0.0.1:5000"));
    }

    [Fact]
    public void Invalid_json_names_the_file()
    {
        Write("{ not json");
        var e = Assert.Throws<InvalidDataException>(() => DockerConfigFile.Load(ConfigPath));
        Assert.Contains(ConfigPath, e.Message);
    }

    [Fact]
    public void Helper_lookup_prefers_cred_helpers_over_creds_store()
    {
        Write("""{"credsStore":"desktop","credHelpers":{"127.0.0.1:5000":"test","https://index.docker.io/v1/":"hub"}}""");
        var config = DockerConfigFile.Load(ConfigPath);
        Assert.Equal("test", config.HelperFor("127.0.0.1:5000"));
        Assert.Equal("hub", config.HelperFor("docker.io"));
        Assert.Equal("desktop", config.HelperFor("other.example.com"));
    }

    [Fact]
    public void Credentials_never_print_their_secrets()
    {
        Assert.DoesNotContain("hunter2", new RegistryCredential("alice", "hunter2").ToString());
        Assert.DoesNotContain("tok-secret", RegistryCredential.FromIdentityToken("tok-secret").ToString());
        Assert.DoesNotContain("hunter2", new AuthEntry("alice", "hunter2", null).ToString());
    }
}
