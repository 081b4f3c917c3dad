using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Img.Cli.Tests.Images;

namespace Img.Cli.Tests.Build;

/// <summary>
/// The README's <c>img build</c> flags in-process on a real state directory (runc, root):
/// <c>--iidfile</c>, <c>-q</c>, <c>--progress</c>, <c>--platform</c>, <c>--network</c>; and what the
/// build leaves for <c>img du -v</c> and <c>img du -f reclaimable=</c>.
/// </summary>
public sealed class BuildFlagTests : IDisposable
{
    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    private async Task ImportBusyboxAsync(ImagesRunner? img = null) =>
        await (img ?? _img).OkAsync("import", "-c", "ENV PATH=/bin", await BusyboxRootfs.PathAsync(), "busybox:latest");

    private async Task<string> IdOfAsync(string name) =>
        (await _img.OkAsync("inspect", "--format", "{{.Id}}", name)).Out.Trim();

    [Fact]
    public async Task Quiet_prints_only_the_image_id_and_iidfile_writes_it()
    {
        await ImportBusyboxAsync();
        var context = _img.WriteContext("FROM busybox\nCOPY a.txt /\n");
        var iid = _img.PathOf("iid");
        var r = await _img.OkAsync("build", "-q", "--iidfile", iid, "-t", "app", context);
        var id = await IdOfAsync("app");
        Assert.Matches("^sha256:[0-9a-f]{64}$", id);
        Assert.Equal(id + "\n", r.Out);
        Assert.Equal("", r.Error);
        Assert.Equal(id, File.ReadAllText(iid));
    }

    [Fact]
    public async Task Progress_quiet_prints_nothing_plain_and_auto_off_a_terminal_print_steps()
    {
        await ImportBusyboxAsync();
        var context = _img.WriteContext("FROM busybox\nCOPY a.txt /\n");
        var quiet = await _img.OkAsync("build", "--progress=quiet", "-t", "app", context);
        Assert.Equal("", quiet.Error);
        Assert.Equal("", quiet.Out);
        foreach (var mode in new[] { "plain", "auto" })
        {
            var r = await _img.OkAsync("build", "--progress=" + mode, "-t", "app", context);
            Assert.StartsWith("#1 [internal] load build definition from Dockerfile\n", r.Error);
            Assert.DoesNotContain("\x1b[", r.Error);
        }
    }

    [Fact]
    public async Task Progress_tty_and_auto_on_a_terminal_draw_the_live_display()
    {
        using var terminal = new ImagesRunner { StderrIsTerminal = true };
        await ImportBusyboxAsync(terminal);
        var context = _img.WriteContext("FROM busybox\nCOPY a.txt /\n");
        var tty = await terminal.OkAsync("build", "--progress=tty", "-t", "app", context);
        AssertLive(tty.Error);
        var auto = await terminal.OkAsync("build", "-t", "app", context);
        if (Environment.GetEnvironmentVariable("CI") is null)
            AssertLive(auto.Error);
        else
            Assert.StartsWith("#1 ", auto.Error); // on CI, auto is plain even on a terminal, as in buildx

        static void AssertLive(string display)
        {
            Assert.StartsWith("\x1b[2K[+] Building ", display);
            Assert.Matches(@"\[\+\] Building \d+\.\ds \(\d+/\d+\) FINISHED", display);
            Assert.Contains("\x1b[2K", display);
            Assert.Contains("COPY a.txt /", display);
        }
    }

    [Fact]
    public async Task Platform_names_the_platform_of_the_image()
    {
        // another architecture than the host's: the build must not fall back to the host's
        var other = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "amd64" : "arm64";
        var context = _img.WriteContext("FROM scratch\nCOPY a.txt /\n");
        await _img.OkAsync("build", "--platform", "linux/" + other, "-t", "app", context);
        Assert.Equal($"linux/{other}\n", (await _img.OkAsync("inspect", "--format", "{{.Os}}/{{.Architecture}}", "app")).Out);
    }

    [Fact]
    public async Task Network_none_from_the_command_line_leaves_only_loopback_and_host_sees_the_host()
    {
        await ImportBusyboxAsync();
        var context = _img.WriteContext("FROM busybox\nRUN tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort > /interfaces\n");
        async Task<string[]> InterfacesAsync(string network)
        {
            var dest = _img.PathOf("out-" + network);
            await _img.OkAsync("build", "--network", network, "-o", $"type=local,dest={dest}", context);
            return File.ReadAllLines(Path.Combine(dest, "interfaces"));
        }

        Assert.Equal(["lo"], await InterfacesAsync("none"));
        var host = File.ReadAllLines("/proc/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(host, await InterfacesAsync("host"));
    }

    [Fact]
    public async Task Du_verbose_and_the_reclaimable_filter_show_the_build_cache()
    {
        await ImportBusyboxAsync();
        var context = _img.WriteContext("FROM busybox\nRUN echo hi > /hi\n");
        await _img.OkAsync("build", "-t", "app", context);

        var verbose = (await _img.OkAsync("du", "-v")).Out;
        var step = Regex.Match(verbose, @"^ID:\s+(build-[0-9a-f]+-[0-9a-f]+)\n(?:.+\n)*?Description:\s+\[2/2\] RUN echo hi > /hi\n", RegexOptions.Multiline);
        Assert.True(step.Success, verbose);
        var block = verbose[step.Index..verbose.IndexOf("\n\n", step.Index, StringComparison.Ordinal)];
        Assert.Matches(@"(?m)^Type:\s+regular$", block);
        Assert.Matches(@"(?m)^Reclaimable:\s+true$", block);
        Assert.Matches(@"(?m)^Snapshotter:\s+\S+$", block);
        Assert.Matches(@"(?m)^Cache key:\s+sha256:[0-9a-f]{64}$", block);
        Assert.Matches(@"(?m)^Reclaimable:\s+\S+B\nTotal:\s+\S+B\n\z", verbose);

        var reclaimable = (await _img.OkAsync("du", "-f", "reclaimable=true")).Out;
        Assert.Contains(step.Groups[1].Value, reclaimable);
        Assert.DoesNotContain("manifest of app:latest", reclaimable);
        var kept = (await _img.OkAsync("du", "-f", "reclaimable=false")).Out;
        Assert.Contains("manifest of app:latest", kept);
        Assert.DoesNotContain(step.Groups[1].Value, kept);
        var rows = kept.Split('\n').Skip(1).TakeWhile(l => !l.StartsWith("Reclaimable:", StringComparison.Ordinal));
        Assert.All(rows, row => Assert.Matches(@"^\S+\s+false\s", row));
    }

    [Fact]
    public async Task Load_quiet_prints_only_what_was_loaded()
    {
        await ImportBusyboxAsync();
        var archive = _img.PathOf("busybox.tar");
        await _img.OkAsync("save", "-o", archive, "busybox");
        await _img.OkAsync("rm", "busybox");
        var loaded = await _img.OkAsync("load", "-q", "-i", archive);
        Assert.Equal("Loaded image: busybox:latest\n", loaded.Out);
        Assert.Equal("", loaded.Error);
    }
}
