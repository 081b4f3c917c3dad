using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests.Cluster;

/// <summary>What the daemons refuse: peers that do not speak the protocol, insecure non-loopback addresses, oversized graphs.</summary>
[Collection(E2ECollection.Name)]
public sealed class EndpointTests(ImgFixture fixture, BaseImageRegistry registry) : IClassFixture<BaseImageRegistry>
{
    // the endpoint gives a connection 10 s to say hello (ClientEndpoint.HelloTimeout)
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Clients_that_do_not_speak_the_protocol_are_refused_and_the_coordinator_keeps_working()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture, new ClusterOptions { Nodes = 1 });
        var port = cluster.Coordinator.ClientPort;
        var random = new byte[64 * 1024];
        new Random(42).NextBytes(random);
        // a frame header promising 100 bytes that never come: only the hello timeout ends it
        byte[] stalled = [0, 0, 0, 100, 1, 2, 3];
        // a well-sized frame that is not MessagePack for any message
        var garbage = new byte[4 + 32];
        garbage[3] = 32;
        new Random(7).NextBytes(garbage.AsSpan(4));
        garbage[4] = 0xc1; // never used by MessagePack

        var refusals = await Task.WhenAll(
            ExpectClosedAsync(port, random, "random bytes"),
            ExpectClosedAsync(port, Encoding.ASCII.GetBytes($"GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"), "an HTTP request"),
            ExpectClosedAsync(port, [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03], "a TLS client hello"),
            ExpectClosedAsync(port, garbage, "a frame of garbage"),
            ExpectClosedAsync(port, stalled, "a stalled frame"));

        Assert.All(refusals, r => Assert.True(r.Closed, $"the coordinator kept the connection of {r.What} open for {RefusalTimeout.TotalSeconds} s"));
        Assert.All(refusals, r => Assert.DoesNotContain("HTTP/", r.Answer, StringComparison.Ordinal));
        Assert.True(cluster.Coordinator.IsRunning, $"the coordinator died\n{cluster.Logs()}");
        Assert.Equal("c1", (await cluster.StatusAsync()).Coordinator);
        var ctx = ContextDir.Create(fixture, $"FROM {busybox}\nRUN echo still-working > /ok.txt\n");
        await cluster.BuildAsync(ctx, "-t", "e2e/after-garbage");
        Assert.Equal("still-working\n", (await cluster.Client.UnpackAsync("e2e/after-garbage")).Text("/ok.txt"));
    }

    [Fact]
    public async Task A_build_to_an_address_where_no_coordinator_listens_fails_at_once_with_a_clear_error()
    {
        var img = new ImgCli(fixture, fixture.NewDirectory("nowhere"));
        var ctx = ContextDir.Create(fixture, "FROM scratch\nCOPY Dockerfile /\n");
        var address = $"127.0.0.1:{PortBlock.Next(1)}";

        var result = await img.RunAsync(["build", "--cluster", address, "--progress=plain", ctx], ctx, timeout: TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("cannot reach the cluster", result.Error, StringComparison.Ordinal);
        Assert.Contains(address, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("coordinator", "--listen", "0.0.0.0:{0}")]
    [InlineData("coordinator", "--listen", "{1}:{0}")]
    [InlineData("node", "--bind", "0.0.0.0")]
    [InlineData("node", "--advertise", "{1}")]
    public async Task Insecure_on_an_address_that_is_not_loopback_is_refused_with_a_clear_error(string daemon, string flag, string value)
    {
        var address = string.Format(CultureInfo.InvariantCulture, value, PortBlock.Next(), ExternalAddress());
        var img = new ImgCli(fixture, fixture.NewDirectory("insecure"));
        string[] args = daemon == "coordinator"
            ? ["coordinator", flag, address, "--insecure"]
            : ["node", "--join", "127.0.0.1:1", "--insecure", flag, address];

        // a daemon that accepted would run until killed: the timeout fails the test
        var result = await img.RunAsync(args, timeout: TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--insecure", result.Error, StringComparison.Ordinal);
        Assert.Contains("loopback", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_graph_larger_than_a_frame_fails_with_a_clear_error_and_the_coordinator_keeps_working()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture, new ClusterOptions { Nodes = 1 });
        // one physical line of 70 MiB: the parser refuses lines over 64 KiB, as BuildKit's does
        var line = await HugeRunAsync(busybox, physicalLines: 1, bytesPerLine: 70 << 20);
        var refused = await cluster.RunBuildAsync(cluster.Client, cluster.Addresses, line, TimeSpan.FromSeconds(60), "-t", "e2e/huge");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("dockerfile line greater than max allowed size of 65535", Tail(refused.Error), StringComparison.Ordinal);

        // the same 70 MiB as one RUN continued over 1,200 lines of 60 KB: the parser takes it, and
        // the graph is larger than the 64 MiB a client frame carries
        var graph = await HugeRunAsync(busybox, physicalLines: 1200, bytesPerLine: 60_000);
        var clock = Stopwatch.StartNew();
        // the client parses and sends within seconds: 30 s is a hang
        var result = await cluster.RunBuildAsync(cluster.Client, cluster.Addresses, graph, TimeSpan.FromSeconds(30), "-t", "e2e/huge");

        Assert.True(result.ExitCode != 0, $"a 70 MiB RUN built through the cluster:\n{Tail(result.Error)}");
        var error = Tail(result.Error);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.True(error.Contains("too large", StringComparison.OrdinalIgnoreCase) || error.Contains("frame", StringComparison.Ordinal) || error.Contains("bytes", StringComparison.Ordinal),
            $"the error does not say the graph is too large (after {clock.Elapsed.TotalSeconds:0} s):\n{error}\n{cluster.Logs()}");
        Assert.True(cluster.Coordinator.IsRunning, $"the coordinator died\n{cluster.Logs()}");
        Assert.Equal("c1", (await cluster.StatusAsync()).Coordinator);
    }

    /// <summary>A context whose Dockerfile is <c>FROM</c> and one <c>RUN echo x...</c> over <paramref name="physicalLines"/> lines.</summary>
    private async Task<string> HugeRunAsync(string busybox, int physicalLines, int bytesPerLine)
    {
        var ctx = fixture.NewDirectory("huge");
        await using var dockerfile = new StreamWriter(Path.Combine(ctx, "Dockerfile"));
        await dockerfile.WriteAsync($"FROM {busybox}\nRUN echo \\\n");
        var chunk = new string('x', bytesPerLine);
        for (var i = 0; i < physicalLines; i++)
            await dockerfile.WriteAsync(chunk + " \\\n");
        await dockerfile.WriteAsync("  > /dev/null\n");
        return ctx;
    }

    /// <summary>The end of a log whose early lines may quote the 70 MiB line.</summary>
    private static string Tail(string text) =>
        string.Join('\n', text.Split('\n').TakeLast(30).Select(l => l.Length > 300 ? l[..300] + "..." : l));

    /// <summary>Sends <paramref name="bytes"/> and waits for the coordinator to close; whatever it answered is kept.</summary>
    private static async Task<(string What, bool Closed, string Answer)> ExpectClosedAsync(int port, byte[] bytes, string what)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
            return (what, true, ""); // closed while we were still writing
        }
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(RefusalTimeout);
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0)
                answer.Write(buffer, 0, n);
            return (what, true, Encoding.Latin1.GetString(answer.ToArray()));
        }
        catch (IOException)
        {
            return (what, true, Encoding.Latin1.GetString(answer.ToArray())); // reset
        }
        catch (OperationCanceledException)
        {
            return (what, false, Encoding.Latin1.GetString(answer.ToArray()));
        }
    }

    /// <summary>An address of this machine that is not loopback (the first IPv4 of a network interface), or a documentation address when there is none.</summary>
    private static string ExternalAddress() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a))?.ToString()
        ?? "192.0.2.1";
}
