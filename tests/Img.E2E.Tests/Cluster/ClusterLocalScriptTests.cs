using System.Diagnostics;
using System.Globalization;
using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>
/// <c>scripts/cluster-local.sh</c> as README's cluster section uses it: it starts a registry with
/// busybox, a coordinator and nodes, prints the <c>export IMG_CLUSTER=...</c> line, a build through
/// that variable runs on the nodes, and <c>stop</c> stops every process it started.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ClusterLocalScriptTests(ImgFixture fixture)
{
    [Fact]
    public async Task The_script_starts_a_registry_a_coordinator_and_nodes_that_build_through_IMG_CLUSTER_and_stops_them()
    {
        var dir = Path.Combine(fixture.NewDirectory("cluster-local"), "cluster");
        var port = PortBlock.Next();
        var registryPort = PortBlock.Next(1);
        var script = Path.Combine(fixture.RepositoryRoot, "scripts", "cluster-local.sh");
        try
        {
            var start = await RunAsync(script, "2", "-s", "1", "-p", N(port), "--registry-port", N(registryPort), "-d", dir, "-b", fixture.Binary);

            start.AssertSuccess();
            Assert.Equal($"export IMG_CLUSTER=127.0.0.1:{port}", start.Out.Trim());
            var status = ClusterStatus.Parse((await RunAsync(script, "status", "-d", dir, "-b", fixture.Binary)).AssertSuccess().Out);
            Assert.Equal(["n1", "n2"], status.Nodes.Select(n => n.Node).Order());
            Assert.All(status.Nodes, n => Assert.Equal(1, n.Slots));
            var ctx = ContextDir.Create(fixture, $"FROM 127.0.0.1:{registryPort}/busybox:latest\nRUN echo from-the-script > /script.txt\n");
            var build = await BuildThroughEnvironmentAsync(ctx, $"127.0.0.1:{port}");
            build.AssertSuccess();
            Assert.Matches(@"#\d+ running on n[12]", build.Error);
            var pids = Directory.GetFiles(dir, "*.pid").Select(f => int.Parse(File.ReadAllText(f).Trim(), CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(4, pids.Count); // registry, coordinator, n1, n2
            // a second start from the same directory is refused, not a second cluster
            var again = await RunAsync(script, "start", "-d", dir, "-b", fixture.Binary, "--no-registry");
            Assert.NotEqual(0, again.ExitCode);
            Assert.Contains("already runs", again.Error, StringComparison.Ordinal);

            (await RunAsync(script, "stop", "-d", dir)).AssertSuccess();

            Assert.All(pids, pid => Assert.False(Alive(pid), $"pid {pid} still runs after stop"));
            Assert.Empty(Directory.GetFiles(dir, "*.pid"));
            Assert.Contains("node n1 left the cluster", File.ReadAllText(Path.Combine(dir, "n1.log")), StringComparison.Ordinal);
        }
        finally
        {
            // whatever failed above, nothing may outlive the test
            await RunAsync(script, "stop", "-d", dir, "--clean");
        }
    }

    /// <summary><c>img build</c> with the cluster named only by <c>IMG_CLUSTER</c>, as after the README's export line.</summary>
    private async Task<ProcessResult> BuildThroughEnvironmentAsync(string context, string cluster)
    {
        var start = new ProcessStartInfo(fixture.Binary)
        {
            ArgumentList = { "--state", fixture.NewDirectory("script-client"), "build", "--progress=plain", "-t", "e2e/script", context },
            WorkingDirectory = context,
        };
        start.Environment.Remove("IMG_STATE");
        start.Environment["IMG_CLUSTER"] = cluster;
        return await ProcessRunner.RunAsync(start, null, TimeSpan.FromSeconds(120));
    }

    private static Task<ProcessResult> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { ArgumentList = { script } };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var variable in new[] { "IMG", "IMG_CLUSTER_DIR", "NODES", "SLOTS", "PORT", "REGISTRY_PORT", "IMG_STATE", "IMG_CLUSTER" })
            start.Environment.Remove(variable);
        return ProcessRunner.RunAsync(start, null, TimeSpan.FromSeconds(120));
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether the process exists and is not a zombie.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // gone (DirectoryNotFoundException and FileNotFoundException are IOExceptions)
        }
    }
}
