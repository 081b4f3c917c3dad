using System.Net.Http;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>
/// A secured cluster (no <c>--insecure</c>): a node runs whatever a build asks, so an open port
/// would be remote code execution. Holders of the token build; a client without it or with a
/// wrong secret, a node without it, and a blob fetch without a member certificate get nothing.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed partial class SecuredClusterTests(ImgFixture fixture, BaseImageRegistry registry) : IClassFixture<BaseImageRegistry>
{
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Token_holders_build_and_clients_members_and_blob_fetches_without_the_credentials_are_refused()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture, new ClusterOptions { Nodes = 1, Secured = true });
        var ctx = ContextDir.Create(fixture, $"FROM {busybox}\nRUN echo secured > /secured.txt\n");

        // the token's holder: a build through TLS, run by a node that joined with the token
        await cluster.BuildAsync(ctx, "-t", "e2e/secured");
        Assert.Equal("secured\n", (await cluster.Client.UnpackAsync("e2e/secured")).Text("/secured.txt"));

        var outsider = new ImgCli(fixture, fixture.NewDirectory("outsider"));
        var token = (await File.ReadAllTextAsync(cluster.TokenFile!)).Trim();
        var wrong = Path.Combine(fixture.NewDirectory("wrong-token"), "token");
        // the right CA pin, another secret of the right shape
        await WritePrivateAsync(wrong, token[..token.LastIndexOf('.')] + "." + Base64Url(RandomNumberGenerator.GetBytes(32)));
        // the right token in a file others can read: refused before anything is sent
        var exposed = Path.Combine(fixture.NewDirectory("exposed-token"), "token");
        await File.WriteAllTextAsync(exposed, token);
        File.SetUnixFileMode(exposed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var noToken = await outsider.RunAsync(["cluster", "status", "--cluster", cluster.Address], timeout: RefusalTimeout);
        AssertRefused(noToken, "status without a token");
        var wrongSecret = await outsider.RunAsync(["cluster", "status", "--cluster", cluster.Address, "--cluster-token-file", wrong], timeout: RefusalTimeout);
        AssertRefused(wrongSecret, "status with a wrong secret");
        Assert.Contains("invalid cluster token", wrongSecret.Error, StringComparison.Ordinal);
        var exposedToken = await outsider.RunAsync(["cluster", "status", "--cluster", cluster.Address, "--cluster-token-file", exposed], timeout: RefusalTimeout);
        AssertRefused(exposedToken, "a token file others can read");
        Assert.Contains(exposed, exposedToken.Error, StringComparison.Ordinal);
        var build = await outsider.RunAsync(["build", "--cluster", cluster.Address, "--progress=plain", ctx], ctx, timeout: RefusalTimeout);
        AssertRefused(build, "a build without a token");
        Assert.DoesNotContain("running on", build.Error, StringComparison.Ordinal);

        var node = new ImgCli(fixture, fixture.NewDirectory("intruder"));
        var noTokenNode = await node.RunAsync(["node", "--join", cluster.Address, "--name", "intruder"], timeout: RefusalTimeout);
        AssertRefused(noTokenNode, "a node without a token");
        var wrongNode = await node.RunAsync(["node", "--join", cluster.Address, "--name", "intruder", "--token-file", wrong], timeout: RefusalTimeout);
        AssertRefused(wrongNode, "a node with a wrong secret");
        Assert.DoesNotContain("joined as", wrongNode.Error, StringComparison.Ordinal);
        Assert.Null((await cluster.StatusAsync()).Node("intruder"));

        // the node's blob server: TLS that wants a member certificate; no certificate, no blob
        var blobs = BlobEndpoint().Match(cluster.Nodes[0].Log);
        Assert.True(blobs.Success, $"no blob endpoint in the node's log:\n{DaemonLogs.Tail(cluster.Nodes[0])}");
        Assert.StartsWith("https://", blobs.Groups[1].Value, StringComparison.Ordinal);
        using var anyServer = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(anyServer) { Timeout = RefusalTimeout };
        var fetch = await Record.ExceptionAsync(async () =>
        {
            using var response = await http.GetAsync(blobs.Groups[1].Value + "/v2/");
            Assert.Fail($"the blob server answered {(int)response.StatusCode} to a client without a certificate");
        });
        Assert.IsType<HttpRequestException>(fetch);
        var plain = await Record.ExceptionAsync(async () =>
        {
            using var response = await http.GetAsync("http://" + blobs.Groups[1].Value["https://".Length..] + "/v2/");
            Assert.Fail($"the blob server answered {(int)response.StatusCode} over plain HTTP");
        });
        Assert.IsType<HttpRequestException>(plain);
    }

    private static void AssertRefused(ProcessResult result, string what)
    {
        Assert.True(result.ExitCode != 0, $"{what} was accepted:\n{result}");
        Assert.True(!result.Error.Contains("   at ", StringComparison.Ordinal), $"{what}: not a clear error:\n{result}");
    }

    private static async Task WritePrivateAsync(string path, string text)
    {
        await using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        await using var writer = new StreamWriter(file);
        await writer.WriteAsync(text + "\n");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex(@"\(blobs at (https?://[^,\s]+),")]
    private static partial Regex BlobEndpoint();
}
