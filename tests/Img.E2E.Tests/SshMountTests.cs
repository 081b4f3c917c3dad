using System.Diagnostics;
using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>
/// <c>RUN --mount=type=ssh</c> with <c>--ssh</c>: a real <c>ssh-agent</c> holding a key made here;
/// <c>ssh-add -l</c> (the host's, with its libraries, copied into the image) lists it in the step
/// that mounts the agent, and only there.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class SshMountTests(ImgFixture fixture) : IAsyncLifetime
{
    private TestSshAgent _agent = null!;
    private string _key = "";
    private string _fingerprint = "";
    private string _socket = "";

    public async Task InitializeAsync()
    {
        _agent = await TestSshAgent.StartAsync(fixture);
        (_key, _fingerprint, _socket) = (_agent.Key, _agent.Fingerprint, _agent.Socket);
    }

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private Task<string> ContextWithSshAddAsync(string dockerfile) => TestSshAgent.ContextWithProgramsAsync(fixture, dockerfile, "/usr/bin/ssh-add");

    [Fact]
    public async Task The_agent_is_forwarded_into_the_step_that_mounts_it_only()
    {
        var img = await fixture.NewStateAsync();
        var ctx = await ContextWithSshAddAsync("""
            FROM busybox
            COPY rootfs/ /
            RUN --mount=type=ssh /usr/bin/ssh-add -l > /listed.txt && echo "$SSH_AUTH_SOCK" > /sock.txt
            RUN --mount=type=ssh,id=deploy,target=/agent.sock,mode=0666,uid=1000 SSH_AUTH_SOCK=/agent.sock /usr/bin/ssh-add -l > /deploy.txt && ls -ln /agent.sock > /deploy-mode.txt
            RUN (/usr/bin/ssh-add -l > /unmounted.txt 2>&1 || echo "exit $?" >> /unmounted.txt); echo "[$SSH_AUTH_SOCK]" > /env.txt; ls /run/buildkit > /run-dir.txt 2>&1 || true
            """);
        var build = (await img.BuildAsync(ctx, "-t", "e2e/ssh", "--ssh", "default=" + _socket, "--ssh", "deploy=" + _key)).AssertSuccess();

        var fs = await img.UnpackAsync("e2e/ssh");
        Assert.Contains(_fingerprint, fs.Text("/listed.txt"));
        Assert.Contains("img-e2e-key", fs.Text("/listed.txt"));
        Assert.Equal("/run/buildkit/ssh_agent.0\n", fs.Text("/sock.txt"));
        Assert.Contains(_fingerprint, fs.Text("/deploy.txt"));
        Assert.StartsWith("srw-rw-rw-", fs.Text("/deploy-mode.txt"));
        Assert.Contains(" 1000 ", fs.Text("/deploy-mode.txt"));
        Assert.DoesNotContain(_fingerprint, fs.Text("/unmounted.txt"));
        Assert.Contains("exit 2", fs.Text("/unmounted.txt"));
        Assert.Equal("[]\n", fs.Text("/env.txt"));
        Assert.False(fs.Has("/run/buildkit/ssh_agent.0"), "the socket is no part of the layer");
        Assert.False(fs.Has("/agent.sock"));
    }

    [Fact]
    public async Task A_required_agent_that_was_not_forwarded_fails_the_step_and_ssh_misuse_is_refused()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, """
            FROM busybox
            RUN --mount=type=ssh,id=absent,required=true true
            """);
        var failed = (await img.BuildAsync(ctx, "-t", "e2e/ssh-missing")).AssertFailure();
        Assert.Contains("no SSH key \"absent\" forwarded from the client", failed.Error);

        var noSocket = new ProcessStartInfo(fixture.Binary, ["--state", img.State, "build", "--ssh", "default", ctx]);
        noSocket.Environment.Remove("SSH_AUTH_SOCK");
        var refused = (await ProcessRunner.RunAsync(noSocket, null, TimeSpan.FromMinutes(1))).AssertFailure();
        Assert.Contains("ERROR: invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set", refused.Error);
    }
}
