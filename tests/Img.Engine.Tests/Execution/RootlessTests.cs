using Img.Engine.Graph;
using System.Diagnostics;
using Img.Engine.Diff;
using Img.Engine.Execution;
using Img.Engine.Execution.Runc;
using Img.Engine.Mounts;
using Img.Engine.Snapshots;
using Img.Engine.Tests.Snapshots;
using Xunit;
using Xunit.Abstractions;

namespace Img.Engine.Tests.Execution;

/// <summary>
/// Rootless smoke test: an unprivileged user (with /etc/subuid ranges) runs the inner test in
/// <c>unshare --user --map-root-user --map-auto --mount</c>, the way img re-executes itself;
/// inside, overlay snapshots (userxattr), runc in rootless mode and the differ must work.
/// </summary>
public sealed class RootlessTests(ITestOutputHelper output)
{
    private const string User = "imgrootless";
    private const string InnerVariable = "IMG_ROOTLESS_INNER";

    [Fact]
    public void Rootless_run_and_diff_in_a_user_namespace()
    {
        Requirements.Runc();
        if (Environment.GetEnvironmentVariable(InnerVariable) is not null)
        {
            return; // already the inner run
        }
        EnsureUser();
        using var dir = new TestDirectory("img-rootless");
        Run("chown", "-R", $"{User}:{User}", dir.Path);
        string dll = typeof(RootlessTests).Assembly.Location;
        string script =
            $"cd {dir.Path} && HOME={dir.Path} DOTNET_CLI_HOME={dir.Path} DOTNET_NOLOGO=1 {InnerVariable}={dir.Path} " +
            $"unshare --user --map-root-user --map-auto --mount -- dotnet vstest {dll} --TestCaseFilter:FullyQualifiedName~RootlessInner --logger:console;verbosity=normal";
        var (exit, text) = Run("setpriv", "--reuid", User, "--regid", User, "--init-groups", "--", "sh", "-c", script);
        output.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+1,\s+Skipped:\s+0,\s+Total:\s+1", text);
    }

    [Fact]
    public async Task RootlessInner()
    {
        string? dir = Environment.GetEnvironmentVariable(InnerVariable);
        if (dir is null)
        {
            return; // only meaningful when started by the test above
        }
        Assert.False(UserNamespace.IsInitial);
        Assert.True(UserNamespace.IsRoot);
        var selection = SnapshotterFactory.Create("auto", Path.Join(dir, "snap"));
        Assert.Equal("overlayfs", selection.Name);
        Assert.Contains("userxattr", selection.Reason);
        using ISnapshotter sn = selection.Snapshotter;
        var runtime = new RuncRuntime(new RuncRuntimeOptions(Path.Join(dir, "state")));
        Assert.True(runtime.Rootless);
        await BusyboxRootfs.CommitAsync(sn, "base", dir);
        var mounts = await sn.PrepareAsync("active", "base");
        Assert.Contains("userxattr", mounts[0].Options);
        var lines = new List<string>();
        var err = new List<string>();
        int exit = await runtime.RunAsync(new ExecSpec
        {
            Args = ["sh", "-c", "id; touch /a; rm /bin/ls; rm -rf /dir && mkdir /dir; chown 1000:1000 /a"],
            User = "0",
            Network = NetworkMode.None,
        }, mounts, new ExecOutput(lines.Add, err.Add));
        Assert.True(exit == 0, string.Join('\n', err));
        Assert.Equal(["uid=0(root) gid=0(root) groups=0(root)"], lines);

        var view = await sn.ViewAsync("lower", "base");
        using var tar = new MemoryStream();
        await new Img.Engine.Diff.Overlay.OverlayDiffComparer().CompareAsync(view, mounts, tar, DiffOptions.Default);
        var entries = RunAndDiffTests.ReadEntries(tar.ToArray());
        Assert.Equal(["a", "bin/", "bin/.wh.ls", "dir/", "dir/.wh.file1", "dir/.wh.file2"], entries.Select(e => e.Name));
    }

    private static void EnsureUser()
    {
        if (Run("id", User).Exit != 0)
        {
            var (exit, text) = Run("useradd", "--create-home", "--shell", "/bin/sh", User);
            Assert.True(exit == 0, "useradd: " + text);
        }
        if (!File.ReadAllLines("/etc/subuid").Any(l => l.StartsWith(User + ":", StringComparison.Ordinal)))
        {
            File.AppendAllText("/etc/subuid", $"{User}:200000:65536\n");
        }
        if (!File.ReadAllLines("/etc/subgid").Any(l => l.StartsWith(User + ":", StringComparison.Ordinal)))
        {
            File.AppendAllText("/etc/subgid", $"{User}:200000:65536\n");
        }
    }

    private static (int Exit, string Text) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment.Remove(InnerVariable);
        using Process p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}
