using System.Diagnostics;
using System.Formats.Tar;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>
/// Once per test run: publishes <c>src/Img.Cli</c> (Release) to a temp directory, and writes the
/// rootfs tarball of the test base image: Debian <c>busybox-static</c>'s <c>/bin/busybox</c>
/// with applet symlinks, <c>/etc/passwd</c> (root, app 1000) and <c>/etc/group</c> (app 1000,
/// extra 1001 with member app). <see cref="NewStateAsync"/> gives each test a fresh state
/// directory with it imported as <c>busybox:latest</c>.
/// </summary>
public sealed class ImgFixture : IAsyncLifetime
{
    public const string BusyboxPath = "/bin/busybox";

    private static readonly string[] Applets =
    [
        "sh", "cat", "echo", "id", "ls", "env", "touch", "mkdir", "chmod", "cp", "rm", "test", "true", "false",
        "sleep", "wc", "grep", "pwd", "ip", "head", "printf", "stat", "find", "sed",
    ];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"img-e2e-{Guid.NewGuid():N}"[..20]);
    public string RepositoryRoot { get; } = FindRepositoryRoot();
    public string Binary => Path.Combine(Root, "img", "img");
    public string BaseTar => Path.Combine(Root, "busybox-rootfs.tar");

    public async Task InitializeAsync()
    {
        if (!File.Exists(BusyboxPath))
            throw new InvalidOperationException($"{BusyboxPath} is missing: install Debian busybox-static");
        Directory.CreateDirectory(Root);
        await PublishAsync();
        WriteBaseTar();
    }

    /// <summary>
    /// Kills any img process still running from the published binary (a test that failed before
    /// stopping one), undoes mounts left under the root (an img killed mid-build), then removes
    /// the root; every step runs, and what failed is reported at the end.
    /// </summary>
    public async Task DisposeAsync()
    {
        var teardown = new Teardown();
        await teardown.RunAsync("kill leftover img processes", KillLeftoversAsync);
        teardown.Run("unmount leftovers", UnmountLeftovers);
        await teardown.DeleteDirectoryAsync(Root);
        teardown.ThrowIfFailed("img e2e");
    }

    private async Task KillLeftoversAsync()
    {
        var leftovers = new List<Process>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string? exe;
            try
            {
                exe = new FileInfo(Path.Combine(dir, "exe")).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (exe != Binary) continue;
            try
            {
                var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                leftovers.Add(process);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // already gone
            }
        }
        foreach (var process in leftovers)
        {
            using (process)
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        if (leftovers.Count > 0)
            throw new InvalidOperationException($"{leftovers.Count} img process(es) were still running from {Binary}");
    }

    private void UnmountLeftovers()
    {
        var prefix = Root + "/";
        var mounts = File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(point => point.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(point => point.Length)
            .ToList();
        foreach (var point in mounts)
            _ = Img.Engine.Native.Posix.Umount2(point, Img.Engine.Native.Posix.MNT_DETACH);
    }

    /// <summary>A new directory under the run's root.</summary>
    public string NewDirectory(string prefix)
    {
        var dir = Path.Combine(Root, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A fresh state directory with <c>busybox:latest</c> imported, and an img bound to it.</summary>
    public async Task<ImgCli> NewStateAsync(bool withBusybox = true)
    {
        var img = new ImgCli(this, NewDirectory("state"));
        if (withBusybox)
            (await img.RunAsync(["import", BaseTar, "busybox:latest"])).AssertSuccess();
        return img;
    }

    private async Task PublishAsync()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = RepositoryRoot,
            ArgumentList =
            {
                "publish", Path.Combine("src", "Img.Cli"), "-c", "Release", "-o", Path.Combine(Root, "img"),
                "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            },
        };
        // the first publish compiles the composite ReadyToRun image (~2-3 min on 2 idle cores)
        var result = await ProcessRunner.RunAsync(start, null, TimeSpan.FromMinutes(20));
        if (result.ExitCode != 0 || !File.Exists(Binary))
            throw new InvalidOperationException($"dotnet publish failed ({result.ExitCode}):\n{result.Out}\n{result.Error}");
    }

    private void WriteBaseTar()
    {
        using var file = File.Create(BaseTar);
        using var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: false);
        void Dir(string name, UnixFileMode mode) =>
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode });
        void Text(string name, string content)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(content);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = Modes.Parse("644"),
                DataStream = new MemoryStream(bytes),
            });
        }

        Dir("bin/", Modes.Parse("755"));
        Dir("etc/", Modes.Parse("755"));
        Dir("root/", Modes.Parse("700"));
        Dir("tmp/", Modes.Parse("1777"));
        using (var busybox = File.OpenRead(BusyboxPath))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox")
            {
                Mode = Modes.Parse("755"),
                DataStream = busybox,
            });
        }
        foreach (var applet in Applets)
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox", Mode = Modes.Parse("777") });
        Text("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        Text("etc/group", "root:x:0:\napp:x:1000:\nextra:x:1001:app\n");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Img.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"Img.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>Every end-to-end test shares one published binary.</summary>
[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<ImgFixture>
{
    public const string Name = "img e2e";
}
