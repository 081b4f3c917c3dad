using System.Diagnostics;

namespace Img.Cli.Tests.Build;

/// <summary>
/// What a multi-platform build with an arm64 half needs on an amd64 test machine, as the E2E
/// tests set it up (tests/Img.E2E.Tests/Infrastructure/QemuEmulation.cs, ForeignBusybox.cs):
/// QEMU user emulation registered in binfmt_misc (Debian <c>qemu-user-static</c>), and Debian's
/// <c>busybox-static:arm64</c> (<c>apt-get download</c>, after <c>dpkg --add-architecture arm64</c>;
/// scripts/install-deps.sh), never a public registry. Fails, never skips, when they are missing.
/// </summary>
internal static class ForeignArchitecture
{
    private const string BinfmtRoot = "/proc/sys/fs/binfmt_misc";
    private static readonly Lazy<Task<string>> Arm64Busybox = new(() => DownloadBusyboxAsync("arm64"));
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Makes the kernel run aarch64 binaries through QEMU (the package's handler, with its F flag).</summary>
    public static async Task EnsureAarch64EmulationAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (!File.Exists(Path.Join(BinfmtRoot, "register")))
                await RunAsync("mount", Path.GetTempPath(), "-t", "binfmt_misc", "binfmt_misc", BinfmtRoot);
            var entry = Path.Join(BinfmtRoot, "qemu-aarch64");
            if (File.Exists(entry))
            {
                if (!File.ReadAllText(entry).StartsWith("enabled", StringComparison.Ordinal))
                    File.WriteAllText(entry, "1");
                return;
            }
            const string conf = "/usr/lib/binfmt.d/qemu-aarch64.conf";
            Assert.True(File.Exists(conf), $"{conf} is missing: install Debian qemu-user-static (scripts/install-deps.sh)");
            File.WriteAllText(Path.Join(BinfmtRoot, "register"), File.ReadAllText(conf).Trim());
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Debian's arm64 <c>busybox</c>, extracted once per test run.</summary>
    public static Task<string> Arm64BusyboxAsync() => Arm64Busybox.Value;

    /// <summary>A root file system with <paramref name="busybox"/> and the applets the tests run.</summary>
    public static async Task WriteRootfsAsync(string root, string busybox)
    {
        foreach (var dir in new[] { "bin", "etc", "tmp" })
            Directory.CreateDirectory(Path.Join(root, dir));
        File.Copy(busybox, Path.Join(root, "bin", "busybox"));
        File.SetUnixFileMode(Path.Join(root, "bin", "busybox"), (UnixFileMode)0b111_101_101);
        foreach (var applet in new[] { "sh", "cat", "echo", "uname" })
            File.CreateSymbolicLink(Path.Join(root, "bin", applet), "busybox");
        await File.WriteAllTextAsync(Path.Join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        await File.WriteAllTextAsync(Path.Join(root, "etc", "group"), "root:x:0:\n");
    }

    private static async Task<string> DownloadBusyboxAsync(string debianArch)
    {
        var dir = Directory.CreateTempSubdirectory("img-cli-busybox-" + debianArch).FullName;
        await RunAsync("apt-get", dir, "download", "busybox-static:" + debianArch);
        var deb = Directory.GetFiles(dir, "*.deb").Single();
        await RunAsync("dpkg-deb", dir, "-x", deb, Path.Join(dir, "root"));
        var binary = Path.Join(dir, "root", "bin", "busybox");
        Assert.True(File.Exists(binary), $"{deb} has no /bin/busybox");
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
        Assert.True(process.ExitCode == 0,
            $"{tool} {string.Join(' ', args)} failed (for busybox-static:arm64: dpkg --add-architecture arm64 && apt-get update, see scripts/install-deps.sh): {await stderr}{await stdout}");
    }
}
