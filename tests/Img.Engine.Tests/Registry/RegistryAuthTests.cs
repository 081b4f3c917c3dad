using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Registry;

[Collection(RegistryCollection.Name)]
public sealed class RegistryAuthTests(RegistryFixture registries)
{
    private static RegistryClientOptions With(RegistryCredential? credential) =>
        new() { Credentials = credential is null ? null : new StaticCredentials(credential), RetryBaseDelay = TimeSpan.FromMilliseconds(10) };

    private static RegistryCredential Good => new(RegistryFixture.User, RegistryFixture.Password);
    private static RegistryCredential Bad => new(RegistryFixture.User, "wrong-password");

    [Fact]
    public async Task Anonymous_registry_pings_without_challenge_and_accepts_a_push()
    {
        using var client = new RegistryClient(registries.Anonymous.Host, With(null));
        Assert.True(client.Endpoint.IsPlainHttp);
        Assert.Empty(await client.PingAsync());
        var image = TestImage.Create();
        await image.PushAsync(client, "auth/anon", "v1");
        Assert.Equal(image.Digest, (await client.GetManifestAsync("auth/anon", "v1")).Digest);
    }

    [Fact]
    public async Task Basic_registry_challenges_with_basic_and_accepts_the_right_password()
    {
        using var client = new RegistryClient(registries.Basic.Host, With(Good));
        var challenge = Assert.Single(await client.PingAsync());
        Assert.True(challenge.IsBasic);
        Assert.Equal("img-test-basic", challenge.Realm);
        var image = TestImage.Create();
        await image.PushAsync(client, "auth/basic", "v1");
        Assert.Equal(image.Digest, (await client.GetManifestAsync("auth/basic", "v1")).Digest);
        await client.CheckCredentialsAsync(Good);
    }

    [Fact]
    public async Task Basic_registry_with_a_wrong_password_is_a_clear_401()
    {
        using var client = new RegistryClient(registries.Basic.Host, With(Bad));
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("auth/basic", "v1"));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Equal($"unauthorized: authentication required: {registries.Basic.Host}/auth/basic:v1", e.Message);
        Assert.DoesNotContain("wrong-password", e.ToString());

        var login = await Assert.ThrowsAsync<RegistryException>(() => client.CheckCredentialsAsync(Bad));
        Assert.Equal(RegistryErrorKind.Unauthorized, login.Kind);
        Assert.Contains("unauthorized: authentication required", login.Message);
    }

    [Fact]
    public async Task Basic_registry_without_credentials_is_a_clear_401()
    {
        using var client = new RegistryClient(registries.Basic.Host, With(null));
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.BlobExistsAsync("auth/none", TestBlob.Random(10).Digest));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains(registries.Basic.Host + "/auth/none@sha256:", e.Message);
    }

    [Fact]
    public async Task Token_registry_challenges_with_bearer_realm_and_service()
    {
        using var client = new RegistryClient(registries.Token.Host, With(null));
        var challenge = Assert.Single(await client.PingAsync());
        Assert.True(challenge.IsBearer);
        Assert.Equal(registries.TokenService.Realm, challenge.Realm);
        Assert.Equal(TokenService.Service, challenge.Service);
    }

    [Fact]
    public async Task Token_registry_push_fetches_a_pull_push_token_with_credentials_and_reuses_it()
    {
        using var client = new RegistryClient(registries.Token.Host, With(Good));
        var before = registries.TokenService.Requests.Count;
        var image = TestImage.Create(layers: 2);
        await image.PushAsync(client, "auth/token-push", "v1");
        var requests = registries.TokenService.Requests.Skip(before).ToList();
        var push = Assert.Single(requests, r => r.Scopes.Contains("repository:auth/token-push:pull,push"));
        Assert.Equal(RegistryFixture.User, push.User);
        Assert.False(push.Rejected);

        // A pull needs a narrower scope set: one more token, then cached.
        await client.GetManifestAsync("auth/token-push", "v1");
        await client.GetManifestAsync("auth/token-push", image.Digest);
        Assert.Single(registries.TokenService.Requests.Skip(before), r => r.Scopes.SequenceEqual(["repository:auth/token-push:pull"]));
    }

    [Fact]
    public async Task Token_registry_allows_anonymous_pull_but_not_push()
    {
        using (var pusher = new RegistryClient(registries.Token.Host, With(Good)))
            await TestImage.Create().PushAsync(pusher, "auth/token-public", "v1");

        using var anonymous = new RegistryClient(registries.Token.Host, With(null));
        var fetched = await anonymous.GetManifestAsync("auth/token-public", "v1");
        Assert.NotEmpty(fetched.Content);
        Assert.Contains(registries.TokenService.Requests, r => r.User is null && r.Scopes.Contains("repository:auth/token-public:pull"));

        var blob = TestBlob.Random(100);
        var e = await Assert.ThrowsAsync<RegistryException>(() => anonymous.PushBlobAsync("auth/token-public", blob.Descriptor, blob.Opener));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Contains($"{registries.Token.Host}/auth/token-public@{blob.Digest}", e.Message);
    }

    [Fact]
    public async Task Token_registry_with_a_wrong_password_is_a_clear_401()
    {
        using var client = new RegistryClient(registries.Token.Host, With(Bad));
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("auth/token-x", "latest"));
        Assert.Equal(RegistryErrorKind.Unauthorized, e.Kind);
        Assert.Equal($"unauthorized: authentication required: {registries.Token.Host}/auth/token-x:latest", e.Message);

        var login = await Assert.ThrowsAsync<RegistryException>(() => client.CheckCredentialsAsync(Bad));
        Assert.Equal(RegistryErrorKind.Unauthorized, login.Kind);
        await client.CheckCredentialsAsync(Good);
    }

    [Fact]
    public async Task Token_registry_accepts_an_identity_token_through_the_refresh_grant()
    {
        using var client = new RegistryClient(registries.Token.Host,
            With(RegistryCredential.FromIdentityToken(RegistryFixture.IdentityToken)));
        var image = TestImage.Create();
        await image.PushAsync(client, "auth/token-identity", "v1");
        Assert.Contains(registries.TokenService.Requests,
            r => r.Method == "POST" && !r.Rejected && r.Scopes.Contains("repository:auth/token-identity:pull,push"));
    }

    [Fact]
    public async Task Token_cache_is_shared_per_registry_and_scope_set()
    {
        var cache = new Img.Engine.Registry.Auth.TokenCache();
        var options = With(Good) with { TokenCache = cache };
        using (var pusher = new RegistryClient(registries.Token.Host, options))
            await TestImage.Create().PushAsync(pusher, "auth/token-shared", "v1");
        var before = registries.TokenService.Requests.Count;
        using var second = new RegistryClient(registries.Token.Host, options);
        // The second client learns the challenge from a 401 but takes the token from the shared cache.
        var blob = TestBlob.Random(64);
        Assert.Equal(BlobPushResult.Uploaded, await second.PushBlobAsync("auth/token-shared", blob.Descriptor, blob.Opener));
        Assert.Equal(before, registries.TokenService.Requests.Count);
    }
}
