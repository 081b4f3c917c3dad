using System.Net;
using System.Net.Http.Headers;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Registry;

public sealed class RegistryClientRetryTests
{
    private static readonly byte[] Manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"""u8.ToArray();

    private static HttpResponseMessage ManifestResponse()
    {
        var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Manifest) };
        r.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        return r;
    }

    private static RegistryClient Client(StubHandler handler, RegistryClientOptions? options = null) =>
        new("127.0.0.1:1", (options ?? new RegistryClientOptions()) with
        {
            Handler = handler,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            RetryMaxDelay = TimeSpan.FromMilliseconds(5),
        });

    [Fact]
    public async Task Server_errors_are_retried_then_succeed()
    {
        var calls = 0;
        var handler = new StubHandler(_ => ++calls <= 2 ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : ManifestResponse());
        using var client = Client(handler);
        var m = await client.GetManifestAsync("repo", "tag");
        Assert.Equal(3, calls);
        Assert.Equal(TestBlob.DigestOf(Manifest), m.Digest);
        Assert.Equal(MediaTypes.OciManifest, m.MediaType);
    }

    [Fact]
    public async Task Retries_are_bounded_and_end_in_unavailable()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.InternalServerError));
        using var client = Client(handler, new RegistryClientOptions { MaxAttempts = 3 });
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("repo", "tag"));
        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Network_errors_are_retried_and_bounded()
    {
        var calls = 0;
        var handler = new StubHandler(_ => ++calls <= 1 ? throw new HttpRequestException("connection refused") : ManifestResponse());
        using (var client = Client(handler))
            await client.GetManifestAsync("repo", "tag");
        Assert.Equal(2, calls);

        var down = new StubHandler(_ => throw new HttpRequestException("connection refused"));
        using var failing = Client(down, new RegistryClientOptions { MaxAttempts = 2 });
        var e = await Assert.ThrowsAsync<RegistryException>(() => failing.BlobExistsAsync("repo", TestBlob.Random(1).Digest));
        Assert.Equal(RegistryErrorKind.Unavailable, e.Kind);
        Assert.Contains("cannot reach registry 127.0.0.1:1", e.Message);
        Assert.Equal(2, down.Requests.Count);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.Forbidden));
        using var client = Client(handler);
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("repo", "tag"));
        Assert.Equal(RegistryErrorKind.Denied, e.Kind);
        Assert.Equal("denied: requested access to the resource is denied: 127.0.0.1:1/repo:tag", e.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Upload_sessions_are_retried_from_the_start()
    {
        var blob = TestBlob.Random(100);
        var posts = 0;
        var handler = new StubHandler(r =>
        {
            if (r.Method == HttpMethod.Head) return new HttpResponseMessage(HttpStatusCode.NotFound);
            if (r.Method == HttpMethod.Post)
            {
                if (++posts == 1) return new HttpResponseMessage(HttpStatusCode.BadGateway);
                var accepted = new HttpResponseMessage(HttpStatusCode.Accepted);
                accepted.Headers.Location = new Uri($"/v2/repo/blobs/uploads/u{posts}?_state=x", UriKind.Relative);
                return accepted;
            }
            if (r.Method == HttpMethod.Put)
            {
                Assert.Equal($"/v2/repo/blobs/uploads/u{posts}?_state=x&digest={Uri.EscapeDataString(blob.Digest)}", r.RequestUri!.PathAndQuery);
                var created = new HttpResponseMessage(HttpStatusCode.Created);
                created.Headers.Add("Docker-Content-Digest", blob.Digest);
                return created;
            }
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        });
        using var client = Client(handler);
        Assert.Equal(BlobPushResult.Uploaded, await client.PushBlobAsync("repo", blob.Descriptor, blob.Opener));
        Assert.Equal(2, posts);
    }

    [Fact]
    public async Task Bearer_token_is_refreshed_when_it_expires()
    {
        var time = new ManualTime();
        var issued = 0;
        var handler = new StubHandler(r =>
        {
            if (r.RequestUri!.AbsolutePath == "/token")
            {
                Assert.Contains("scope=repository%3Arepo%3Apull", r.RequestUri.Query);
                Assert.Contains("service=svc", r.RequestUri.Query);
                Assert.Equal("Basic", r.Headers.Authorization?.Scheme);
                return new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent($$"""{"token":"tok{{++issued}}","expires_in":60}"""),
                };
            }
            if (r.Headers.Authorization is { Scheme: "Bearer", Parameter: var p } && p == $"tok{issued}")
                return ManifestResponse();
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"http://127.0.0.1:1/token\",service=\"svc\"");
            return challenge;
        });
        using var client = Client(handler, new RegistryClientOptions
        {
            TimeProvider = time,
            Credentials = new StaticCredentials(new RegistryCredential("u", "p")),
        });
        await client.GetManifestAsync("repo", "a");
        await client.GetManifestAsync("repo", "b");
        Assert.Equal(1, issued);
        time.Advance(TimeSpan.FromSeconds(55));
        await client.GetManifestAsync("repo", "c");
        Assert.Equal(2, issued);
    }

    [Fact]
    public async Task Credentials_are_not_sent_to_a_plain_http_realm_of_another_host()
    {
        var handler = new StubHandler(r =>
        {
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"http://auth.example.com/token\",service=\"svc\"");
            return challenge;
        });
        using var client = Client(handler, new RegistryClientOptions
        {
            Credentials = new StaticCredentials(new RegistryCredential("u", "secret")),
        });
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("repo", "a"));
        Assert.Contains("refusing to send credentials", e.Message);
        Assert.DoesNotContain(handler.Requests, r => r.RequestUri!.Host == "auth.example.com");
    }

    [Fact]
    public async Task Manifest_served_with_a_wrong_content_digest_header_is_refused()
    {
        var handler = new StubHandler(_ =>
        {
            var r = ManifestResponse();
            r.Headers.Add("Docker-Content-Digest", TestBlob.Random(3).Digest);
            return r;
        });
        using var client = Client(handler);
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("repo", "tag"));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
    }

    [Fact]
    public async Task A_download_cut_mid_body_restarts_into_a_fresh_ingest()
    {
        var blob = TestBlob.Random(50_000);
        var calls = 0;
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(++calls == 1 ? new FailingStream(blob.Content, 20_000) : new MemoryStream(blob.Content)),
        });
        var root = Directory.CreateTempSubdirectory("img-retry-content-").FullName;
        try
        {
            var content = new Img.Engine.Content.Local.LocalContentStore(root);
            using var client = Client(handler);
            var info = await client.GetBlobAsync("repo", blob.Descriptor, content);
            Assert.Equal(2, calls);
            Assert.Equal(blob.Digest, info.Digest.ToString());
            Assert.Equal(blob.Content, await Img.Engine.Content.ContentExtensions.ReadAllBytesAsync(content, blob.Descriptor));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Parallel_first_requests_all_retry_after_the_challenge_is_learned()
    {
        var handler = new StubHandler(r =>
        {
            if (r.Headers.Authorization is { Scheme: "Basic" }) return ManifestResponse();
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Basic realm=\"r\"");
            return challenge;
        });
        using var client = Client(handler, new RegistryClientOptions
        {
            Credentials = new StaticCredentials(new RegistryCredential("u", "p")),
        });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.GetManifestAsync("repo", $"t{i}")));
    }
}
