using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Registry;

/// <summary>The login flow end to end: check, save to config.json, use from a fresh client, logout.</summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryLoginTests(RegistryFixture registries) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("img-login-").FullName;
    private string ConfigPath => Path.Combine(_dir, ".docker", "config.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("basic")]
    [InlineData("token")]
    public async Task Login_saves_credentials_that_later_pushes_use_and_logout_removes_them(string which)
    {
        var registry = which == "basic" ? registries.Basic : registries.Token;
        var store = new DockerConfigCredentialStore(ConfigPath);
        var credential = new RegistryCredential(RegistryFixture.User, RegistryFixture.Password);

        using (var login = new RegistryClient(registry.Host))
        {
            var bad = await Assert.ThrowsAsync<RegistryException>(() =>
                login.CheckCredentialsAsync(credential with { Password = "nope" }));
            Assert.Equal(RegistryErrorKind.Unauthorized, bad.Kind);
            Assert.False(File.Exists(ConfigPath));
            await login.CheckCredentialsAsync(credential);
        }
        await store.StoreAsync(registry.Host, credential);
        Assert.DoesNotContain(RegistryFixture.Password, await File.ReadAllTextAsync(ConfigPath));

        using (var client = new RegistryClient(registry.Host, new RegistryClientOptions { Credentials = new DockerConfigCredentialStore(ConfigPath) }))
            await TestImage.Create().PushAsync(client, $"login/{which}", "v1");

        Assert.True(await store.EraseAsync(registry.Host));
        using var loggedOut = new RegistryClient(registry.Host, new RegistryClientOptions { Credentials = store });
        var blob = TestBlob.Random(10);
        var e = await Assert.ThrowsAsync<RegistryException>(() => loggedOut.PushBlobAsync($"login/{which}", blob.Descriptor, blob.Opener));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
    }

    [Fact]
    public async Task Login_to_an_open_registry_succeeds()
    {
        using var client = new RegistryClient(registries.Anonymous.Host);
        await client.CheckCredentialsAsync(new RegistryCredential("anyone", "anything"));
    }
}
