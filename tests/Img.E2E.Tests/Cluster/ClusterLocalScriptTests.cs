using System.Diagnostics;
using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary><c>scripts/cluster-local.sh</c>, which README's cluster section uses: it starts a working cluster, prints how to use it, and stops it.</summary>
[Collection(E2ECollection.Name)]
public sealed class ClusterLocalScriptTests(ImgFixture fixture)
{
    [Fact]
    public async Task The_script_starts_a_coordinator_and_nodes_prints_the_export_line_and_stops_them()
    {
        var dir = Path.Combine(fixture.NewDirectory("cluster-local"), "cluster");
        var port = PortBlock.Next();
        var script = Path.Combine(fixture.RepositoryRoot, "scripts", "cluster-local.sh");
        try
        {
            var start = await RunAsync(script, "start", "-n", "2", "-s", "1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-d", dir, "-b", fixture.Binary);

            start.AssertSuccess();
            Assert.Equal($"export IMG_CLUSTER=127.0.0.1:{port}", start.Out.Trim());
            var status = ClusterStatus.Parse((await RunAsync(script, "status", "-d", dir, "-b", fixture.Binary)).AssertSuccess().Out);
            Assert.Equal(["n1", "n2"], status.Nodes.Select(n => n.Node).Order());
            Assert.All(status.Nodes, n => Assert.Equal(1, n.Slots));
            var pids = Directory.GetFiles(dir, "*.pid").Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(3, pids.Count);
            // a second start from the same directory is refused, not a second cluster
            var again = await RunAsync(script, "start", "-d", dir, "-b", fixture.Binary);
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

    private static Task<ProcessResult> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { ArgumentList = { script } };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var variable in new[] { "IMG", "IMG_CLUSTER_DIR", "NODES", "SLOTS", "PORT", "IMG_STATE", "IMG_CLUSTER" })
            start.Environment.Remove(variable);
        return ProcessRunner.RunAsync(start, null, TimeSpan.FromSeconds(120));
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
