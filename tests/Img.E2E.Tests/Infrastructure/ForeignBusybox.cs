namespace Img.E2E.Tests.Infrastructure;

/// <summary>
/// busybox for other architectures, from Debian's <c>busybox-static</c> of that architecture
/// (<c>apt-get download busybox-static:arm64</c>, which needs <c>dpkg --add-architecture arm64</c>
/// and an <c>apt-get update</c>: scripts/install-deps.sh), never from a public registry. The
/// package is downloaded once per run and its <c>/bin/busybox</c> extracted.
/// </summary>
public static class ForeignBusybox
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, string> Extracted = new(StringComparer.Ordinal);

    /// <summary>The path of <c>busybox</c> for the Debian architecture <paramref name="debianArch"/> (<c>arm64</c>).</summary>
    public static async Task<string> BinaryAsync(ImgFixture fixture, string debianArch)
    {
        await Gate.WaitAsync();
        try
        {
            if (Extracted.TryGetValue(debianArch, out var known))
                return known;
            var dir = fixture.NewDirectory("deb-" + debianArch);
            var download = await ProcessRunner.RunAsync(new System.Diagnostics.ProcessStartInfo("apt-get")
            {
                WorkingDirectory = dir,
                ArgumentList = { "download", "busybox-static:" + debianArch },
            }, null, TimeSpan.FromMinutes(3));
            if (download.ExitCode != 0)
                throw new InvalidOperationException(
                    $"apt-get download busybox-static:{debianArch} failed (run dpkg --add-architecture {debianArch} && apt-get update, see scripts/install-deps.sh):\n{download.Error}");
            var deb = Directory.GetFiles(dir, "*.deb").Single();
            var root = Path.Join(dir, "root");
            (await ProcessRunner.ToolAsync("dpkg-deb", "-x", deb, root)).AssertSuccess();
            var binary = Path.Join(root, "bin", "busybox");
            if (!File.Exists(binary))
                throw new InvalidOperationException($"{deb} has no /bin/busybox");
            Extracted[debianArch] = binary;
            return binary;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// A state whose <c>busybox:latest</c> is an index for linux/amd64 and linux/arm64, built by img
    /// itself (FROM scratch, COPY of each architecture's rootfs by TARGETARCH): the base image of
    /// multi-platform tests.
    /// </summary>
    public static async Task<ImgCli> MultiArchStateAsync(ImgFixture fixture)
    {
        var arm64 = await BinaryAsync(fixture, "arm64");
        var ctx = ContextDir.Create(fixture, """
            FROM scratch
            ARG TARGETARCH
            COPY rootfs-$TARGETARCH/ /
            """);
        await WriteRootfsAsync(Path.Join(ctx, "rootfs-amd64"), ImgFixture.BusyboxPath);
        await WriteRootfsAsync(Path.Join(ctx, "rootfs-arm64"), arm64);
        var img = await fixture.NewStateAsync(withBusybox: false);
        (await img.BuildAsync(ctx, "--platform", "linux/amd64,linux/arm64", "-t", "busybox:latest")).AssertSuccess();
        return img;
    }

    private static async Task WriteRootfsAsync(string root, string busybox)
    {
        Directory.CreateDirectory(Path.Join(root, "bin"));
        Directory.CreateDirectory(Path.Join(root, "etc"));
        Directory.CreateDirectory(Path.Join(root, "tmp"));
        File.Copy(busybox, Path.Join(root, "bin", "busybox"));
        File.SetUnixFileMode(Path.Join(root, "bin", "busybox"), Modes.Parse("755"));
        foreach (var applet in new[] { "sh", "cat", "echo", "uname", "ls", "true", "mkdir" })
            File.CreateSymbolicLink(Path.Join(root, "bin", applet), "busybox");
        await File.WriteAllTextAsync(Path.Join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        await File.WriteAllTextAsync(Path.Join(root, "etc", "group"), "root:x:0:\n");
    }
}
