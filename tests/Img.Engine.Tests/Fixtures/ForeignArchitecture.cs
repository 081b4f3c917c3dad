using System.Diagnostics;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// What a build with a foreign-architecture half needs on an amd64 test machine: QEMU user
/// emulation registered in binfmt_misc (Debian <c>qemu-user-static</c>'s handler, with its F flag,
/// as the package's <c>/usr/lib/binfmt.d</c> entry says), and Debian's <c>busybox-static</c> of
/// that architecture (<c>apt-get download</c>, after <c>dpkg --add-architecture</c>;
/// scripts/install-deps.sh), never a public registry. Fails, never skips, when they are missing.
/// Shared by the Cli and E2E tests (linked from this folder).
/// </summary>
public static class ForeignArchitecture
{
    public const string BinfmtRoot = "/proc/sys/fs/binfmt_misc";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, Task<string>> Busyboxes = new(StringComparer.Ordinal);

    /// <summary>Makes the kernel run <paramref name="qemuName"/> (<c>aarch64</c>, <c>s390x</c>) binaries through QEMU.</summary>
    public static async Task EnsureEmulationAsync(string qemuName)
    {
        await Gate.WaitAsync();
        try
        {
            if (!File.Exists(Path.Join(BinfmtRoot, "register")))
                await RunAsync("mount", Path.GetTempPath(), "-t", "binfmt_misc", "binfmt_misc", BinfmtRoot);
            var entry = Path.Join(BinfmtRoot, "qemu-" + qemuName);
            if (File.Exists(entry))
            {
                if (!File.ReadAllText(entry).StartsWith("enabled", StringComparison.Ordinal))
                    File.WriteAllText(entry, "1");
                return;
            }
            var conf = $"/usr/lib/binfmt.d/qemu-{qemuName}.conf";
            if (!File.Exists(conf))
                throw new InvalidOperationException($"{conf} is missing: install Debian qemu-user-static (scripts/install-deps.sh)");
            File.WriteAllText(Path.Join(BinfmtRoot, "register"), File.ReadAllText(conf).Trim());
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Debian's <c>busybox</c> for <paramref name="debianArch"/> (<c>arm64</c>), downloaded once per test run.</summary>
    public static Task<string> BusyboxAsync(string debianArch)
    {
        lock (Busyboxes)
        {
            if (!Busyboxes.TryGetValue(debianArch, out var busybox))
                Busyboxes[debianArch] = busybox = DownloadBusyboxAsync(debianArch);
            return busybox;
        }
    }

    /// <summary>A root file system with <paramref name="busybox"/> and the applets the tests run.</summary>
    public static async Task WriteRootfsAsync(string root, string busybox)
    {
        foreach (var dir in new[] { "bin", "etc", "tmp" })
            Directory.CreateDirectory(Path.Join(root, dir));
        File.Copy(busybox, Path.Join(root, "bin", "busybox"));
        File.SetUnixFileMode(Path.Join(root, "bin", "busybox"), (UnixFileMode)0b111_101_101);
        foreach (var applet in new[] { "sh", "cat", "echo", "uname", "ls", "true", "mkdir" })
            File.CreateSymbolicLink(Path.Join(root, "bin", applet), "busybox");
        await File.WriteAllTextAsync(Path.Join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        await File.WriteAllTextAsync(Path.Join(root, "etc", "group"), "root:x:0:\n");
    }

    private static async Task<string> DownloadBusyboxAsync(string debianArch)
    {
        var dir = Directory.CreateTempSubdirectory("img-busybox-" + debianArch).FullName;
        // every test of the run may use it: removed when the test process ends
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        await RunAsync("apt-get", dir, "download", "busybox-static:" + debianArch);
        var deb = Directory.GetFiles(dir, "*.deb").Single();
        await RunAsync("dpkg-deb", dir, "-x", deb, Path.Join(dir, "root"));
        var binary = Path.Join(dir, "root", "bin", "busybox");
        if (!File.Exists(binary))
            throw new InvalidOperationException($"{deb} has no /bin/busybox");
        return binary;
    }

    private static async Task RunAsync(string tool, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', args)} failed (for busybox-static of another architecture: dpkg --add-architecture ARCH && apt-get update, see scripts/install-deps.sh): {await stderr}{await stdout}");
    }
}
