using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using Img.Engine.Native;

namespace Img.Cli.Tests.Rootless;

/// <summary>
/// The published <c>img</c> run by unprivileged users: it must re-execute itself in a user
/// namespace for build and unpack, keep image ownership through the subuid mapping, fall back
/// to a single uid (with a warning) for a user without ranges, keep its state under the user's
/// <c>~/.local/share/img</c>, and pass signals and exit codes through.
/// </summary>
public sealed class RootlessBuildTests(RootlessFixture fixture, ITestOutputHelper output) : IClassFixture<RootlessFixture>
{
    [Fact]
    public async Task Build_as_a_user_with_subuid_ranges_keeps_ownership_in_the_layers()
    {
        fixture.Require();
        var u = fixture.Full;
        u.WriteFile("own/file", "hello\n");
        u.WriteFile("own/Dockerfile", "FROM busybox\nRUN id -u > /uid && touch /f && chown 1000:1000 /f\nCOPY --chown=1000:1000 file /c\n" +
            "RUN --network=none ls /sys/class/net > /net-none && cat /proc/net/dev > /dev-none\nRUN ls /sys/class/net > /net-host\n");
        await Import(u, fixture.Img);

        var build = await Img(u, "--debug", "build", "--progress=plain", "-t", "rootless-own", "own");
        Assert.True(build.Exit == 0, build.ToString());
        Assert.Contains($"DEBUG: rootless: uid {u.Uid} ({u.Name}) is not root: re-executing \"img build\"", build.Err);
        Assert.Contains("--user --map-root-user --map-auto --mount --propagation private -- " + fixture.Img + " --debug build", build.Err);
        Assert.Contains($"state directory {u.StateDirectory} (passed to the child as IMG_STATE)", build.Err);
        Assert.Contains($"re-executed (IMG_REEXEC=1), uid 0 in a user namespace; uid_map: 0 {u.Uid} 1, 1 {u.Subuids!.Start} ", build.Err);
        Assert.DoesNotContain("WARNING", build.Err);

        var save = await Img(u, "save", "-o", "own.tar", "rootless-own");
        Assert.True(save.Exit == 0, save.ToString());
        var files = ReadImageFiles(Path.Join(u.Work, "own.tar"));
        Assert.Equal((1000, 1000), (files["f"].Uid, files["f"].Gid));
        Assert.Equal((1000, 1000), (files["c"].Uid, files["c"].Gid));
        Assert.Equal("hello\n", files["c"].Text);
        Assert.Equal((0, 0), (files["uid"].Uid, files["uid"].Gid));
        Assert.Equal("0\n", files["uid"].Text);
        Assert.Equal((1000, 1000), (files["home/app/"].Uid, files["home/app/"].Gid));
        // --network=none: a network namespace of its own, and a sysfs showing it; else the host's network.
        Assert.Equal("lo\n", files["net-none"].Text);
        Assert.Equal(3, files["dev-none"].Text!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal),
            files["net-host"].Text!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

        // The state is the user's: in ~/.local/share/img, owned by the user (root of the namespace).
        Assert.True(Directory.EnumerateFiles(Path.Join(u.StateDirectory, "images")).Any(), $"no image records under {u.StateDirectory}");
        Assert.Equal(u.Uid, Posix.LStat(u.StateDirectory).Uid);
        Assert.Equal(u.Uid, Posix.LStat(Path.Join(u.StateDirectory, "snapshots")).Uid);
        var ls = await Img(u, "ls");
        Assert.Contains("rootless-own", ls.Out);
    }

    [Fact]
    public async Task A_cache_exported_by_a_user_warms_a_fresh_state_of_that_user_and_keeps_the_owners()
    {
        fixture.Require();
        var u = fixture.Full;
        u.WriteFile("cached/file", "hello\n");
        u.WriteFile("cached/Dockerfile", "FROM busybox\nRUN touch /f && chown 1000:1000 /f\nCOPY --chown=1000:1000 file /c\n");
        var (first, fresh, cache) = (Path.Join(u.Work, "cache-state-1"), Path.Join(u.Work, "cache-state-2"), Path.Join(u.Work, "ci-cache"));
        foreach (var dir in new[] { first, fresh, cache })
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        // both states get the very same base image (an import is stamped with its time, a load is not)
        var import = await Img(u, "--state", first, "import", "base.tar", "busybox");
        Assert.True(import.Exit == 0, import.ToString());
        Assert.True((await Img(u, "--state", first, "save", "-o", "busybox-image.tar", "busybox")).Exit == 0);
        Assert.True((await Img(u, "--state", fresh, "load", "-i", "busybox-image.tar")).Exit == 0);

        var export = await Img(u, "--state", first, "build", "--progress=plain", "-t", "rootless-cache", "--cache-to", "type=local,dest=ci-cache", "cached");
        Assert.True(export.Exit == 0, export.ToString());
        Assert.Contains("exporting cache to client directory", export.Err);
        Assert.True(File.Exists(Path.Join(cache, "index.json")));

        var warm = await Img(u, "--state", fresh, "build", "--progress=plain", "-t", "rootless-cache", "--cache-from", "type=local,src=ci-cache", "cached");
        Assert.True(warm.Exit == 0, warm.ToString());
        Assert.Matches(@"\[2/3\] RUN touch /f && chown 1000:1000 /f\n#\d+ CACHED", warm.Err);
        Assert.Matches(@"\[3/3\] COPY --chown=1000:1000 file /c\n#\d+ CACHED", warm.Err);
        Assert.DoesNotContain("WARNING", warm.Err);

        var save = await Img(u, "--state", fresh, "save", "-o", "cached.tar", "rootless-cache");
        Assert.True(save.Exit == 0, save.ToString());
        var files = ReadImageFiles(Path.Join(u.Work, "cached.tar"));
        Assert.Equal((1000, 1000), (files["f"].Uid, files["f"].Gid));
        Assert.Equal((1000, 1000), (files["c"].Uid, files["c"].Gid));
        Assert.Equal("hello\n", files["c"].Text);
    }

    [Fact]
    public async Task Unpack_as_a_user_with_subuid_ranges_maps_image_owners_to_subordinate_ids()
    {
        fixture.Require();
        var u = fixture.Full;
        await Import(u, fixture.Img);
        var dir = Path.Join(u.Work, "unpacked");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);

        var unpack = await Img(u, "unpack", "busybox", "unpacked");
        Assert.True(unpack.Exit == 0, unpack.ToString());
        Assert.Contains("Successfully unpacked rootfs", unpack.Out);
        // Namespace uid 0 is the user; namespace uid 1000 is the 1000th subordinate id (1 -> start).
        Assert.Equal(u.Uid, Posix.LStat(Path.Join(dir, "bin", "busybox")).Uid);
        var app = Posix.LStat(Path.Join(dir, "home", "app"));
        Assert.Equal((uint)(u.Subuids!.Start + 999), app.Uid);
    }

    [Fact]
    public async Task A_user_without_subuid_ranges_gets_a_warning_and_a_single_uid_build()
    {
        fixture.Require();
        var u = fixture.Single;
        u.WriteFile("single/Dockerfile", "FROM busybox\nRUN echo hi > /x\n");
        u.WriteFile("single-chown/Dockerfile", "FROM busybox\nRUN touch /y && chown 1000 /y\n");
        // This user runs img as "dotnet img.dll": the child must be started the same way.
        await Import(u, fixture.Dotnet, fixture.ImgDll);

        var build = await u.RunAsync(fixture.Dotnet, fixture.ImgDll, "build", "--debug", "--progress=plain", "-t", "rootless-single", "single");
        output.WriteLine(build.ToString());
        Assert.True(build.Exit == 0, build.ToString());
        const string warning = "WARNING: no subuid range for {0} in /etc/subuid: building with a single-uid mapping; files owned by other users (e.g. COPY --chown=1000";
        Assert.Contains(string.Format(warning, u.Name), build.Err);
        Assert.Single(build.Err.Split('\n'), l => l.StartsWith("WARNING: no subuid range", StringComparison.Ordinal));
        Assert.Matches($@"--user --map-root-user --mount --propagation private -- /\S*/dotnet {Regex.Escape(fixture.ImgDll)} build --debug", build.Err);
        Assert.Contains($"uid_map: 0 {u.Uid} 1; gid_map: 0 {u.Gid} 1", build.Err);

        var save = await u.RunAsync(fixture.Dotnet, fixture.ImgDll, "save", "-o", "single.tar", "rootless-single");
        Assert.True(save.Exit == 0, save.ToString());
        var files = ReadImageFiles(Path.Join(u.Work, "single.tar"));
        Assert.Equal("hi\n", files["x"].Text);
        Assert.Equal((0, 0), (files["x"].Uid, files["x"].Gid));
        Assert.True(Directory.Exists(Path.Join(u.StateDirectory, "content")), $"no state under {u.StateDirectory}");

        // What the warning says cannot work, does not.
        var chown = await u.RunAsync(fixture.Dotnet, fixture.ImgDll, "build", "--progress=plain", "single-chown");
        Assert.Equal(1, chown.Exit);
        Assert.Contains("chown: /y: Invalid argument", chown.Err);
    }

    [Theory]
    [InlineData(15)] // SIGTERM
    [InlineData(2)] // SIGINT
    public async Task Signals_to_the_outer_process_cancel_the_build_inside(int signal)
    {
        fixture.Require();
        var u = fixture.Full;
        u.WriteFile($"sig{signal}/Dockerfile", $"FROM busybox\nRUN sleep {100 + signal}\n");
        await Import(u, fixture.Img);

        using var p = StartWithDefaultSignals(u, fixture.Img, "build", "--no-cache", "--progress=plain", $"sig{signal}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        await WaitForProcess(u, $"sleep {100 + signal}", p);
        Assert.Equal(0, Posix.Kill(p.Id, signal));
        var exited = p.WaitForExit(TimeSpan.FromSeconds(30));
        var err = exited ? await stderr : "(still running)";
        output.WriteLine(err);
        Assert.True(exited, $"img did not exit within 30 s of signal {signal}");
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains("cancel", err);
        await AssertNoLiveProcesses(u);
        _ = await stdout;
    }

    [Fact]
    public async Task The_build_inside_stops_when_the_outer_process_is_killed()
    {
        fixture.Require();
        var u = fixture.Full;
        u.WriteFile("orphan/Dockerfile", "FROM busybox\nRUN sleep 98\n");
        await Import(u, fixture.Img);

        // SIGKILL cannot be forwarded: the inner img must notice its parent is gone and cancel.
        using var p = StartWithDefaultSignals(u, fixture.Img, "build", "--no-cache", "--progress=plain", "orphan");
        _ = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        await WaitForProcess(u, "sleep 98", p);
        Assert.Single(ChildrenOf(p.Id));
        Assert.Equal(0, Posix.Kill(p.Id, 9));
        await AssertNoLiveProcesses(u);

        // and it let go of the state: the next build runs
        u.WriteFile("after/Dockerfile", "FROM busybox\nRUN true\n");
        var next = await Img(u, "build", "--progress=plain", "after");
        Assert.True(next.Exit == 0, next.ToString());
    }

    [Fact]
    public async Task The_exit_code_of_the_inner_process_is_the_exit_code()
    {
        fixture.Require();
        var u = fixture.Full;
        u.WriteFile("fail/Dockerfile", "FROM busybox\nRUN exit 3\n");
        u.WriteFile("hang/Dockerfile", "FROM busybox\nRUN sleep 99\n");
        await Import(u, fixture.Img);

        var failed = await Img(u, "build", "--progress=plain", "fail");
        Assert.Equal(1, failed.Exit);
        Assert.Contains("exit code: 3", failed.Err);

        // The inner img killed outright: the outer one reports it as a shell would (128 + 9).
        using var p = StartWithDefaultSignals(u, fixture.Img, "build", "--no-cache", "--progress=plain", "hang");
        var stderr = p.StandardError.ReadToEndAsync();
        await WaitForProcess(u, "sleep 99", p);
        var inner = ChildrenOf(p.Id).Single();
        Assert.Equal(0, Posix.Kill(inner, 9));
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), "outer img did not exit after its child was killed");
        Assert.Equal(137, p.ExitCode);
        _ = await stderr;
        foreach (var left in u.LiveProcesses())
            Posix.Kill(int.Parse(left.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), 9);
    }

    private Task<TestUser.Result> Img(TestUser u, params string[] args) => u.RunAsync(fixture.Img, args);

    private static async Task Import(TestUser u, string program, params string[] prefix)
    {
        var import = await u.RunAsync(program, [.. prefix, "import", "base.tar", "busybox"]);
        Assert.True(import.Exit == 0, "import: " + import);
    }

    /// <summary>Starts img as the user with SIGINT/SIGTERM at their defaults (a test host may run with them ignored).</summary>
    private static System.Diagnostics.Process StartWithDefaultSignals(TestUser u, string img, params string[] args) =>
        u.Start("env", ["--default-signal=INT,TERM,HUP,QUIT", img, .. args]);

    private static async Task WaitForProcess(TestUser u, string commandLine, System.Diagnostics.Process outer)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!u.LiveProcesses().Any(l => l.EndsWith(commandLine, StringComparison.Ordinal)))
        {
            if (outer.HasExited)
                Assert.Fail($"img exited ({outer.ExitCode}) before \"{commandLine}\" ran: {await outer.StandardError.ReadToEndAsync()}");
            if (DateTime.UtcNow > deadline) Assert.Fail($"\"{commandLine}\" never ran as {u.Name}");
            await Task.Delay(100);
        }
    }

    private static async Task AssertNoLiveProcesses(TestUser u)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        IReadOnlyList<string> left;
        while ((left = u.LiveProcesses()).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.True(left.Count == 0, "processes left: " + string.Join("; ", left));
    }

    private static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Join(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] == pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) children.Add(child);
            }
            catch (IOException)
            {
            }
        }
        return children;
    }

    public sealed record FileInLayer(int Uid, int Gid, string? Text);

    /// <summary>Every file of a docker-archive's image, later layers winning, by path without a leading "./".</summary>
    public static Dictionary<string, FileInLayer> ReadImageFiles(string archive)
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var stream = File.OpenRead(archive))
        using (var tar = new TarReader(stream))
        {
            while (tar.GetNextEntry() is { } e)
            {
                if (e.DataStream is null) continue;
                using var ms = new MemoryStream();
                e.DataStream.CopyTo(ms);
                blobs[e.Name.TrimStart('.', '/')] = ms.ToArray();
            }
        }
        using var manifest = JsonDocument.Parse(blobs["manifest.json"]);
        var files = new Dictionary<string, FileInLayer>(StringComparer.Ordinal);
        foreach (var layer in manifest.RootElement[0].GetProperty("Layers").EnumerateArray())
        {
            var bytes = blobs[layer.GetString()!];
            Stream data = new MemoryStream(bytes);
            if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) data = new GZipStream(data, CompressionMode.Decompress);
            using var tar = new TarReader(data);
            while (tar.GetNextEntry() is { } e)
            {
                string? text = null;
                if (e.DataStream is not null && e.Length < 4096)
                {
                    using var ms = new MemoryStream();
                    e.DataStream.CopyTo(ms);
                    text = Encoding.UTF8.GetString(ms.ToArray());
                }
                var name = e.Name.StartsWith("./", StringComparison.Ordinal) ? e.Name[2..] : e.Name;
                files[name] = new FileInLayer(e.Uid, e.Gid, text);
            }
        }
        return files;
    }
}
