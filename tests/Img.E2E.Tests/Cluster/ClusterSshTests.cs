using Img.E2E.Tests.Cluster.Infrastructure;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests.Cluster;

/// <summary>
/// <c>RUN --mount=type=ssh</c> through <c>--cluster</c>: the step runs on a node, its agent
/// requests come back through the coordinator to the client's real <c>ssh-agent</c>, which signs
/// with a key that never leaves the client's machine.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class ClusterSshTests(ImgFixture fixture, BaseImageRegistry registry) : IClassFixture<BaseImageRegistry>
{
    [Fact]
    public async Task A_step_on_a_node_lists_and_signs_with_the_clients_agent_and_an_unforwarded_id_fails_the_step()
    {
        var busybox = await registry.BusyboxAsync(fixture);
        await using var agent = await TestSshAgent.StartAsync(fixture);
        await using var cluster = await ClusterProcesses.StartAsync(fixture, new ClusterOptions { Nodes = 1 });
        var ctx = await TestSshAgent.ContextWithProgramsAsync(fixture, $"""
            FROM {busybox}
            COPY rootfs/ /
            COPY id.pub data.txt /
            RUN --mount=type=ssh /usr/bin/ssh-add -l > /listed.txt \
             && /usr/bin/ssh-keygen -Y sign -n file -f /id.pub /data.txt \
             && ls /run/buildkit > /during.txt
            RUN ls /run/buildkit > /after.txt 2>&1 || true
            """, "/usr/bin/ssh-add", "/usr/bin/ssh-keygen");
        File.Copy(agent.Key + ".pub", Path.Join(ctx, "id.pub"));
        await File.WriteAllTextAsync(Path.Join(ctx, "data.txt"), "signed on a node\n");

        var build = await cluster.BuildAsync(ctx, "-t", "e2e/cluster-ssh", "--ssh", "default=" + agent.Socket);

        var runs = NodeLog.RunsOn(build.Error);
        Assert.Contains(runs, kv => kv.Key.Contains("RUN --mount=type=ssh", StringComparison.Ordinal) && kv.Value.Single() == "n1");
        var fs = await cluster.Client.UnpackAsync("e2e/cluster-ssh");
        Assert.Contains(agent.Fingerprint, fs.Text("/listed.txt"));
        Assert.Equal("ssh_agent.0\n", fs.Text("/during.txt"));
        Assert.DoesNotContain("ssh_agent", fs.Text("/after.txt"));
        // the signature the node's step made verifies against the client's public key
        var signature = Path.Join(fixture.NewDirectory("sig"), "data.txt.sig");
        await File.WriteAllTextAsync(signature, fs.Text("/data.txt.sig"));
        var verify = await ProcessRunner.RunAsync(new System.Diagnostics.ProcessStartInfo("ssh-keygen",
            ["-Y", "check-novalidate", "-n", "file", "-f", agent.Key + ".pub", "-s", signature]), "signed on a node\n"u8.ToArray(), TimeSpan.FromSeconds(30));
        Assert.True(verify.ExitCode == 0, verify.ToString());

        // as in one process: an id the client does not forward fails the step that requires it
        var missing = ContextDir.Create(fixture, $"""
            FROM {busybox}
            RUN --mount=type=ssh,id=absent,required=true true
            """);
        var failed = await cluster.RunBuildAsync(cluster.Client, cluster.Addresses, missing, ClusterProcesses.BuildTimeout, "--ssh", "default=" + agent.Socket);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("no SSH key \"absent\" forwarded from the client", failed.Error);
    }
}
