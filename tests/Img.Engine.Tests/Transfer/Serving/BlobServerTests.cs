using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;
using Img.Engine.Transfer.Serving;
using Xunit;

namespace Img.Engine.Tests.Transfer.Serving;

/// <summary>The blob server over plain HTTP on loopback: the registry client's view, the HTTP edges, authorisation, shutdown.</summary>
public sealed class BlobServerTests : IAsyncLifetime
{
    private readonly TestStore _store = new();
    private BlobServer _server = null!;
    private Descriptor _blob = null!;

    public async Task InitializeAsync()
    {
        _blob = await _store.AddRandomAsync(3 * 1024 * 1024 + 17);
        _server = Start(new BlobServerOptions());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _store.Dispose();
    }

    private BlobServer Start(BlobServerOptions options)
    {
        var server = new BlobServer(_store.Store, options);
        server.Start();
        return server;
    }

    private static string Registry(BlobServer server) => $"127.0.0.1:{server.EndPoint.Port}";

    private string BlobPath => "/v2/_img/blobs/" + _blob.Digest;

    [Fact]
    public async Task The_registry_client_pings_and_fetches_a_blob_into_another_store()
    {
        using var client = new RegistryClient(Registry(_server));
        Assert.Empty(await client.PingAsync());
        Assert.True(await client.BlobExistsAsync("_img", _blob.Digest));
        using var target = new TestStore();
        var info = await client.GetBlobAsync("_img", _blob, target.Store);
        Assert.Equal((_blob.Digest, _blob.Size), (info.Digest.ToString(), info.Size));
        Assert.True(await target.Store.ExistsAsync(_blob));
    }

    [Fact]
    public async Task Any_repository_path_serves_the_same_blob()
    {
        using var client = new RegistryClient(Registry(_server));
        var length = await client.GetBlobAsync("some/deep/name", _blob, Stream.Null);
        Assert.Equal(_blob.Size, length);
    }

    [Fact]
    public async Task Head_and_get_send_length_digest_and_octet_stream()
    {
        using var http = new HttpClient { BaseAddress = _server.BaseUri };
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, BlobPath));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(_blob.Size, head.Content.Headers.ContentLength);
        Assert.Equal("application/octet-stream", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(_blob.Digest, head.Headers.GetValues("Docker-Content-Digest").Single());

        var bytes = await http.GetByteArrayAsync(BlobPath);
        Assert.Equal(_blob.Digest, Digest.Compute(bytes).ToString());
    }

    [Fact]
    public async Task An_unknown_blob_is_404_with_a_distribution_error()
    {
        var missing = Digest.Compute("not here"u8).ToString();
        using var http = new HttpClient { BaseAddress = _server.BaseUri };
        using var response = await http.GetAsync("/v2/_img/blobs/" + missing);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var first = error.RootElement.GetProperty("errors")[0];
        Assert.Equal("BLOB_UNKNOWN", first.GetProperty("code").GetString());
        Assert.Equal(missing, first.GetProperty("detail").GetString());

        using var client = new RegistryClient(Registry(_server));
        Assert.False(await client.BlobExistsAsync("_img", missing));
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetBlobAsync("_img",
            new Descriptor { Digest = missing, Size = 8 }, Stream.Null));
        Assert.Equal(RegistryErrorKind.BlobUnknown, e.Kind);
    }

    [Fact]
    public async Task Other_methods_are_405_and_manifests_404()
    {
        using var http = new HttpClient { BaseAddress = _server.BaseUri };
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, BlobPath) { Content = new ByteArrayContent([1, 2, 3]) });
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order());
        }
        using var manifest = await http.GetAsync("/v2/_img/manifests/latest");
        Assert.Equal(HttpStatusCode.NotFound, manifest.StatusCode);
        Assert.Contains("MANIFEST_UNKNOWN", await manifest.Content.ReadAsStringAsync());
        // still serving after requests with bodies (those connections were closed)
        Assert.Equal(_blob.Size, (await http.GetByteArrayAsync(BlobPath)).Length);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET /v2/ HTTP/1.1\r\n\r\n")] // no Host
    [InlineData("GET /v2/ HTTP/2.0\r\nHost: x\r\n\r\n")]
    [InlineData("GET v2/ HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET /v2/ HTTP/1.1\r\nHost: x\r\n folded: value\r\n\r\n")]
    [InlineData("GET /v2/ HTTP/1.1\r\nHost : x\r\n\r\n")]
    [InlineData("GET /v2/_img/blobs/sha256:XYZ HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET /v2/_img/blobs/sha512:abcd HTTP/1.1\r\nHost: x\r\n\r\n")]
    public async Task Malformed_requests_get_400(string request)
    {
        var response = await RawAsync(_server, request);
        Assert.StartsWith("HTTP/1.1 400 ", response);
    }

    [Fact]
    public async Task An_oversized_head_gets_431_and_the_connection_closes()
    {
        var response = await RawAsync(_server, "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Filler: " + new string('a', 20_000) + "\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431 ", response);
    }

    [Fact]
    public async Task Pipelined_requests_on_one_connection_are_answered_in_order()
    {
        var small = await _store.AddAsync("hello blob"u8.ToArray());
        var request = $"GET /v2/_img/blobs/{small.Digest} HTTP/1.1\r\nHost: x\r\n\r\n" +
                      $"HEAD /v2/_img/blobs/{small.Digest} HTTP/1.1\r\nHost: x\r\n\r\n" +
                      "GET /v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        var response = await RawAsync(_server, request);
        Assert.Equal(3, response.Split("HTTP/1.1 ").Length - 1);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.Contains("\r\n\r\nhello blobHTTP/1.1 200 OK", response);
        Assert.EndsWith("\r\n\r\n{}", response);
    }

    [Fact]
    public async Task Keep_alive_reuses_one_connection_for_many_gets()
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1 };
        using var http = new HttpClient(handler) { BaseAddress = _server.BaseUri };
        for (var i = 0; i < 5; i++)
            Assert.Equal(_blob.Size, (await http.GetByteArrayAsync(BlobPath)).Length);
        Assert.Equal(1, _server.ConnectionCount);
    }

    [Fact]
    public async Task Concurrent_downloads_all_arrive_whole()
    {
        var second = await _store.AddRandomAsync(5 * 1024 * 1024, seed: 2);
        using var client = new RegistryClient(Registry(_server));
        var blobs = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? _blob : second).ToArray();
        var lengths = await Task.WhenAll(blobs.Select(b => client.GetBlobAsync("_img", b, Stream.Null)));
        Assert.Equal(blobs.Select(b => b.Size), lengths);
    }

    [Fact]
    public async Task A_request_without_the_shared_secret_is_refused()
    {
        await using var server = Start(new BlobServerOptions { Authorize = BlobServerAuthorization.SharedSecret("s3cret") });
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using (var anonymous = await http.GetAsync(BlobPath))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var wrong = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, BlobPath) { Headers = { { "Authorization", "Bearer guess" } } }))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var bearer = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, BlobPath) { Headers = { { "Authorization", "Bearer s3cret" } } }))
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);

        using var anonymousClient = new RegistryClient(Registry(server));
        var refused = await Assert.ThrowsAsync<RegistryException>(() => anonymousClient.GetBlobAsync("_img", _blob, Stream.Null));
        Assert.Equal(RegistryErrorKind.Unauthorized, refused.Kind);

        // RegistryClient answers the Basic challenge with its credential store: that is how members pass the secret.
        using var member = new RegistryClient(Registry(server), new RegistryClientOptions { Credentials = new SecretStore("s3cret") });
        Assert.Equal(_blob.Size, await member.GetBlobAsync("_img", _blob, Stream.Null));
    }

    [Fact]
    public async Task The_authoriser_can_forbid_and_sees_the_request()
    {
        BlobServerRequest? seen = null;
        await using var server = Start(new BlobServerOptions
        {
            Authorize = (request, _) =>
            {
                seen = request;
                return ValueTask.FromResult(BlobAccess.Forbidden);
            },
        });
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var response = await http.GetAsync(BlobPath + "?x=1");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("DENIED", await response.Content.ReadAsStringAsync());
        Assert.Equal(("GET", BlobPath), (seen!.Method, seen.Path));
        Assert.Equal(IPAddress.Loopback, seen.Remote!.Address);
    }

    [Fact]
    public async Task An_authoriser_that_throws_gets_500_and_is_reported()
    {
        var errors = new List<Exception>();
        await using var server = Start(new BlobServerOptions
        {
            Authorize = (_, _) => throw new InvalidOperationException("boom"),
            OnConnectionError = e => { lock (errors) errors.Add(e); },
        });
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var response = await http.GetAsync(BlobPath);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        lock (errors) Assert.IsType<InvalidOperationException>(Assert.Single(errors));
    }

    [Fact]
    public async Task Dispose_stops_accepting_and_closes_open_connections()
    {
        var server = Start(new BlobServerOptions());
        var endpoint = server.EndPoint;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        await socket.SendAsync("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        var buffer = new byte[4096];
        await ReceiveWholeResponseAsync(socket, buffer); // answered, and the connection stays open
        Assert.Equal(1, server.ConnectionCount);

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var n = await ReceiveOrResetAsync(socket, buffer);
        Assert.Equal(0, n);
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(endpoint));
    }

    /// <summary>Reads one response whole (head and Content-Length body): TCP may deliver it in pieces.</summary>
    private static async Task ReceiveWholeResponseAsync(Socket socket, byte[] buffer)
    {
        var received = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received));
            Assert.True(n > 0, "the server closed the connection before answering");
            received += n;
            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, received);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
                continue;
            var length = System.Text.RegularExpressions.Regex.Match(text, @"(?im)^content-length:\s*(\d+)");
            var body = length.Success ? int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (received >= end + 4 + body)
                return;
        }
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_the_request_timeout()
    {
        await using var server = Start(new BlobServerOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.EndPoint);
        var n = await ReceiveOrResetAsync(socket, new byte[16]).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, n);
    }

    private static async Task<int> ReceiveOrResetAsync(Socket socket, byte[] buffer)
    {
        try
        {
            return await socket.ReceiveAsync(buffer);
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    /// <summary>Sends raw bytes, half-closes, and reads everything until the server closes.</summary>
    private static async Task<string> RawAsync(BlobServer server, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.EndPoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        socket.Shutdown(SocketShutdown.Send);
        using var received = new MemoryStream();
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int n;
        while ((n = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            received.Write(buffer, 0, n);
        return Encoding.ASCII.GetString(received.ToArray());
    }

    private sealed class SecretStore(string secret) : ICredentialStore
    {
        public ValueTask<RegistryCredential?> GetAsync(string registry, CancellationToken ct) =>
            ValueTask.FromResult<RegistryCredential?>(new RegistryCredential("img-node", secret));
    }
}
