using Img.Engine.Registry;
using Img.Engine.Registry.Auth;
using Xunit;

namespace Img.Engine.Tests.Registry;

public sealed class TokenCacheTests
{
    [Fact]
    public async Task Token_is_reused_until_close_to_expiry_then_refreshed()
    {
        var time = new ManualTime();
        var cache = new TokenCache(time);
        var fetches = 0;
        Task<BearerToken> Fetch(CancellationToken _) =>
            Task.FromResult(new BearerToken($"t{++fetches}", time.GetUtcNow().AddSeconds(60)));

        Assert.Equal("t1", (await cache.GetOrFetchAsync("k", Fetch, default)).Token);
        time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal("t1", (await cache.GetOrFetchAsync("k", Fetch, default)).Token);
        time.Advance(TimeSpan.FromSeconds(10)); // 55 s: inside the refresh margin
        Assert.Equal("t2", (await cache.GetOrFetchAsync("k", Fetch, default)).Token);
        Assert.Equal("t3", (await cache.GetOrFetchAsync("other", Fetch, default)).Token);
        cache.Invalidate("k");
        Assert.Equal("t4", (await cache.GetOrFetchAsync("k", Fetch, default)).Token);
    }

    [Fact]
    public async Task Concurrent_requests_share_one_fetch()
    {
        var cache = new TokenCache();
        var fetches = 0;
        var release = new TaskCompletionSource();
        async Task<BearerToken> Fetch(CancellationToken _)
        {
            Interlocked.Increment(ref fetches);
            await release.Task;
            return new BearerToken("t", DateTimeOffset.UtcNow.AddMinutes(5));
        }
        var all = Enumerable.Range(0, 20).Select(_ => cache.GetOrFetchAsync("k", Fetch, default)).ToList();
        release.SetResult();
        await Task.WhenAll(all);
        Assert.Equal(1, fetches);
    }

    [Fact]
    public async Task A_failed_fetch_is_not_cached()
    {
        var cache = new TokenCache();
        var calls = 0;
        Task<BearerToken> Fetch(CancellationToken _) => ++calls == 1
            ? Task.FromException<BearerToken>(new RegistryException(RegistryErrorKind.Unavailable, "down"))
            : Task.FromResult(new BearerToken("ok", DateTimeOffset.UtcNow.AddMinutes(5)));
        await Assert.ThrowsAsync<RegistryException>(() => cache.GetOrFetchAsync("k", Fetch, default));
        Assert.Equal("ok", (await cache.GetOrFetchAsync("k", Fetch, default)).Token);
    }

    [Fact]
    public void Token_responses_use_token_or_access_token_and_at_least_60_seconds()
    {
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var a = RegistryAuthorizer.ParseTokenResponse("""{"token":"abc","expires_in":300}""", now);
        Assert.Equal("abc", a.Token);
        Assert.Equal(now.AddSeconds(300), a.ExpiresAt);
        var b = RegistryAuthorizer.ParseTokenResponse("""{"access_token":"xyz","expires_in":5}""", now);
        Assert.Equal("xyz", b.Token);
        Assert.Equal(now.AddSeconds(60), b.ExpiresAt);
        var c = RegistryAuthorizer.ParseTokenResponse("""{"token":"t","issued_at":"2024-12-31T23:59:00Z"}""", now);
        Assert.Equal(now, c.ExpiresAt);
        Assert.Throws<RegistryException>(() => RegistryAuthorizer.ParseTokenResponse("""{"expires_in":5}""", now));
        Assert.Throws<RegistryException>(() => RegistryAuthorizer.ParseTokenResponse("not json", now));
        Assert.DoesNotContain("abc", a.ToString());
    }
}
