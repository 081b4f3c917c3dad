using System.Diagnostics;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>
/// A real <c>ssh-agent</c> on a socket of a test's own, holding an ed25519 key made for the test,
/// and contexts that carry OpenSSH's client programs (with the shared libraries they load, at
/// their host paths) into an image, so a step can talk to a forwarded agent.
/// </summary>
public sealed class TestSshAgent : IAsyncDisposable
{
    private readonly Process _agent;

    private TestSshAgent(Process agent, string key, string fingerprint, string socket)
    {
        _agent = agent;
        Key = key;
        Fingerprint = fingerprint;
        Socket = socket;
    }

    /// <summary>The private key file (its public half is <c>Key + ".pub"</c>); comment <c>img-e2e-key</c>.</summary>
    public string Key { get; }

    /// <summary>The key's SHA256 fingerprint, as <c>ssh-add -l</c> lists it.</summary>
    public string Fingerprint { get; }

    /// <summary>The agent's socket.</summary>
    public string Socket { get; }

    public static async Task<TestSshAgent> StartAsync(ImgFixture fixture)
    {
        var dir = fixture.NewDirectory("ssh");
        var key = Path.Combine(dir, "id_ed25519");
        (await ProcessRunner.ToolAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "img-e2e-key", "-f", key)).AssertSuccess();
        var fingerprint = (await ProcessRunner.ToolAsync("ssh-keygen", "-l", "-f", key)).AssertSuccess().Out.Split(' ')[1];
        var socket = Path.Combine(dir, "agent.sock");
        var agent = Process.Start(new ProcessStartInfo("ssh-agent", ["-D", "-a", socket]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        for (var i = 0; i < 200 && !File.Exists(socket); i++)
            await Task.Delay(10);
        var add = new ProcessStartInfo("ssh-add", [key]);
        add.Environment["SSH_AUTH_SOCK"] = socket;
        (await ProcessRunner.RunAsync(add, null, TimeSpan.FromSeconds(30))).AssertSuccess();
        return new TestSshAgent(agent, key, fingerprint, socket);
    }

    /// <summary>A context whose rootfs/ holds <paramref name="programs"/> (host paths) and the shared libraries they load.</summary>
    public static async Task<string> ContextWithProgramsAsync(ImgFixture fixture, string dockerfile, params string[] programs)
    {
        var ctx = ContextDir.Create(fixture, dockerfile);
        var files = new List<string>();
        foreach (var program in programs)
        {
            var ldd = (await ProcessRunner.ToolAsync("ldd", program)).AssertSuccess().Out;
            files.AddRange(ldd.Split('\n').SelectMany(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).Where(w => w.StartsWith('/')));
            files.Add(program);
        }
        foreach (var file in files.Distinct())
        {
            var dest = Path.Combine(ctx, "rootfs", file.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: true);
        }
        return ctx;
    }

    public async ValueTask DisposeAsync()
    {
        _agent.Kill();
        await _agent.WaitForExitAsync();
        _agent.Dispose();
    }
}
