using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Img.Engine.Platforms;

namespace Img.Cli.Tests.Images;

public sealed class ImageCommandsTests : IDisposable
{
    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    private async Task<string> ImportBusyboxAsync(string name = "busybox:1")
    {
        var r = await _img.OkAsync("import", "-c", "CMD [\"/bin/sh\"]", "--change", "ENV PATH=/bin", "-m", "busybox from Debian", await BusyboxRootfs.PathAsync(), name);
        var id = r.Out.Trim();
        Assert.Matches("^sha256:[0-9a-f]{64}$", id);
        return id;
    }

    private static string DiffIdOfRootfs(string path) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task Ls_lists_name_size_times_and_digest()
    {
        var id = await ImportBusyboxAsync();

        var r = await _img.OkAsync("ls");

        var lines = r.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^NAME\s+SIZE\s+CREATED AT\s+UPDATED AT\s+DIGEST$", lines[0]);
        Assert.Matches(@"^busybox:1\s+\d+(\.\d+)?MiB\s+(Less than a second|\d+ seconds) ago\s+(Less than a second|\d+ seconds) ago\s+sha256:[0-9a-f]{64}$", lines[1]);
        Assert.Equal(lines[0].IndexOf("SIZE", StringComparison.Ordinal), Regex.Match(lines[1], @"\d+(\.\d+)?MiB").Index);

        var quiet = await _img.OkAsync("images", "-q");
        Assert.Equal(id["sha256:".Length..][..12] + "\n", quiet.Out);
        var noTrunc = await _img.OkAsync("images", "-q", "--no-trunc");
        Assert.Equal(id + "\n", noTrunc.Out);
    }

    [Fact]
    public async Task Ls_format_filter_and_json()
    {
        await ImportBusyboxAsync();
        await _img.OkAsync("tag", "busybox:1", "localhost:5000/tools/bb:v2");

        var formatted = await _img.OkAsync("ls", "--format", "{{.Name}} {{.Tag}} {{.Size}}");
        Assert.Matches(@"^busybox:1 1 \S+iB\nlocalhost:5000/tools/bb:v2 v2 \S+iB\n$", formatted.Out);

        var filtered = await _img.OkAsync("ls", "--filter", "reference=localhost:5000/*/*", "--format", "{{.Name}}");
        Assert.Equal("localhost:5000/tools/bb:v2\n", filtered.Out);
        var byName = await _img.OkAsync("ls", "-f", "reference=busybox", "--format", "{{.Name}}");
        Assert.Equal("busybox:1\n", byName.Out);

        var json = await _img.OkAsync("ls", "--format", "{{json .}}");
        var rows = json.Out.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(rows[0].GetProperty("Digest").GetString(), rows[1].GetProperty("Digest").GetString());

        var table = await _img.OkAsync("ls", "--format", "table {{.Repository}}\\t{{.Tag}}");
        Assert.Matches(@"^REPOSITORY\s+TAG\nbusybox\s+1\nlocalhost:5000/tools/bb\s+v2\n$", table.Out);

        var bad = await _img.RunAsync("ls", "--filter", "color=red");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("invalid filter 'color'", bad.Error);
    }

    [Fact]
    public async Task Inspect_prints_docker_shaped_json()
    {
        var id = await ImportBusyboxAsync();
        await _img.OkAsync("tag", id, "other:latest");

        var r = await _img.OkAsync("inspect", "busybox:1");

        var image = Assert.Single(JsonDocument.Parse(r.Out).RootElement.EnumerateArray());
        Assert.Equal(id, image.GetProperty("Id").GetString());
        Assert.Equal(["busybox:1", "other:latest"], image.GetProperty("RepoTags").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("busybox@sha256:", image.GetProperty("RepoDigests")[0].GetString());
        Assert.Equal("/bin/sh", image.GetProperty("Config").GetProperty("Cmd")[0].GetString());
        Assert.Equal("PATH=/bin", image.GetProperty("Config").GetProperty("Env")[0].GetString());
        Assert.Equal(PlatformSpec.Default().Architecture, image.GetProperty("Architecture").GetString());
        Assert.Equal("linux", image.GetProperty("Os").GetString());
        Assert.Equal("busybox from Debian", image.GetProperty("Comment").GetString());
        Assert.True(image.GetProperty("Size").GetInt64() > 500_000);
        Assert.Equal(DiffIdOfRootfs(await BusyboxRootfs.PathAsync()), image.GetProperty("RootFS").GetProperty("Layers")[0].GetString());
        Assert.True(image.GetProperty("Created").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Contains("\n    {\n        \"Id\"", r.Out);

        var formatted = await _img.OkAsync("inspect", "-f", "{{.Id}} {{.Config.Cmd}} {{json .RootFS.Layers}} {{.Os}}", "busybox:1");
        Assert.Matches(@"^sha256:[0-9a-f]{64} \[/bin/sh\] \[""sha256:[0-9a-f]{64}""\] linux\n$", formatted.Out);
    }

    [Fact]
    public async Task Tag_then_rm_untags_and_reports_unknown_images_while_removing_the_others()
    {
        await ImportBusyboxAsync();
        await _img.OkAsync("tag", "busybox:1", "localhost:5000/bb");
        Assert.Equal("", (await _img.OkAsync("tag", "busybox:1", "bb2")).Out);

        var r = await _img.RunAsync("rmi", "localhost:5000/bb", "nope", "bb2:latest");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Untagged: localhost:5000/bb:latest\nUntagged: bb2:latest\n", r.Out);
        Assert.Equal("ERROR: No such image: nope:latest\n", r.Error);
        Assert.Equal("busybox:1\n", (await _img.OkAsync("ls", "--format", "{{.Name}}")).Out);
    }

    [Fact]
    public async Task Rm_by_id_with_several_names_needs_force()
    {
        var id = await ImportBusyboxAsync();
        await _img.OkAsync("tag", "busybox:1", "bb:2");

        var refused = await _img.RunAsync("rm", id[7..19]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("must be forced", refused.Error);

        var forced = await _img.OkAsync("rm", "-f", id[7..19]);
        Assert.Equal("Untagged: bb:2\nUntagged: busybox:1\n", forced.Out);
    }

    [Fact]
    public async Task Du_and_prune_report_and_reclaim_unreferenced_blobs()
    {
        await ImportBusyboxAsync();
        var du = await _img.OkAsync("du");
        var lines = du.Out.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^ID\s+RECLAIMABLE\s+SIZE\s+DESCRIPTION$", lines[0]);
        Assert.Matches(@"^sha256:[0-9a-f]{64}\s+false\s+\S+B\s+manifest of busybox:1$", lines[1]);
        Assert.Matches(@"^sha256:[0-9a-f]{64}\s+false\s+\S+B\s+config of busybox:1$", lines[2]);
        Assert.Matches(@"^sha256:[0-9a-f]{64}\s+false\s+\S+MiB\s+layer of busybox:1$", lines[3]);
        Assert.Matches(@"^Reclaimable:\s+0B$", lines[4]);
        Assert.Matches(@"^Total:\s+\S+MiB$", lines[5]);

        Assert.Equal("Total reclaimed space: 0B\n", (await _img.OkAsync("prune")).Out);
        await _img.OkAsync("rm", "busybox:1");
        var after = await _img.OkAsync("du");
        Assert.Equal(3, after.Out.Split('\n').Count(l => l.Contains("unreferenced blob", StringComparison.Ordinal)));
        var total = Regex.Match(after.Out, @"Total:\s+(\S+)").Groups[1].Value;
        Assert.Matches($@"Reclaimable:\s+{Regex.Escape(total)}", after.Out);

        var prune = await _img.OkAsync("prune");
        Assert.Equal(3, prune.Out.Split('\n').Count(l => l.StartsWith("Deleted: sha256:", StringComparison.Ordinal)));
        Assert.EndsWith($"Total reclaimed space: {total}\n", prune.Out);
        Assert.Matches(@"Total:\s+0B", (await _img.OkAsync("du")).Out);
    }

    [Fact]
    public async Task Save_to_stdout_then_load_from_stdin_round_trips()
    {
        await ImportBusyboxAsync();
        var digest = (await _img.OkAsync("ls", "--format", "{{.Digest}}")).Out;
        var saved = await _img.OkAsync("save", "busybox:1");
        await using (var reader = new TarReader(new MemoryStream(saved.Bytes)))
        {
            var names = new List<string>();
            while (await reader.GetNextEntryAsync() is { } e) names.Add(e.Name);
            Assert.Contains("manifest.json", names);
            Assert.Contains("index.json", names);
        }

        using var other = new ImagesRunner();
        var loaded = await other.RunWithStdinAsync(saved.Bytes, "load");

        Assert.Equal(0, loaded.ExitCode);
        Assert.Equal("Loaded image: busybox:1\n", loaded.Out);
        Assert.Equal(digest, (await other.OkAsync("ls", "--format", "{{.Digest}}")).Out);
    }

    [Fact]
    public async Task Unpack_writes_the_rootfs()
    {
        await ImportBusyboxAsync();
        var dir = _img.PathOf("rootfs");

        var r = await _img.OkAsync("unpack", "busybox:1", dir);

        Assert.Contains("Successfully unpacked rootfs for busybox:1", r.Out);
        Assert.Equal(new FileInfo(BusyboxRootfs.Busybox).Length, new FileInfo(Path.Combine(dir, "bin", "busybox")).Length);
        Assert.Equal("busybox", new FileInfo(Path.Combine(dir, "bin", "sh")).LinkTarget);

        var again = await _img.RunAsync("unpack", "busybox:1", dir);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists and is not empty", again.Error);
    }

    [Fact]
    public async Task Unknown_images_and_bad_references_are_clear_errors()
    {
        await ImportBusyboxAsync();

        var inspect = await _img.RunAsync("inspect", "nope");
        Assert.Equal(1, inspect.ExitCode);
        Assert.Equal("[]\n", inspect.Out);
        Assert.Equal("ERROR: No such image: nope:latest\n", inspect.Error);

        var tag = await _img.RunAsync("tag", "busybox:1", "Bad:Name");
        Assert.Equal(1, tag.ExitCode);
        Assert.Contains("\"Bad:Name\" is not a valid repository/tag", tag.Error);
        Assert.Contains("must be lowercase", tag.Error);

        var save = await _img.RunAsync("save", "-o", _img.PathOf("x.tar"), "missing:1");
        Assert.Equal(1, save.ExitCode);
        Assert.Equal("ERROR: No such image: missing:1\n", save.Error);
        Assert.False(File.Exists(_img.PathOf("x.tar")));
        Assert.Empty(Directory.EnumerateFiles(_img.Root));

        var flag = await _img.RunAsync("ls", "--frobnicate");
        Assert.Equal(125, flag.ExitCode);
    }

    [Fact]
    public async Task Bad_archives_fail_and_leave_the_store_as_it_was()
    {
        await ImportBusyboxAsync();
        var saved = (await _img.OkAsync("save", "busybox:1")).Bytes;
        var before = (await _img.OkAsync("du")).Out;

        var truncated = await _img.RunWithStdinAsync(saved[..(saved.Length / 2)], "load");
        Assert.Equal(1, truncated.ExitCode);
        Assert.Contains("truncated", truncated.Error);

        var slip = new MemoryStream();
        await using (var writer = new TarWriter(slip, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream("[]"u8.ToArray()) });
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "../../../tmp/img-slip") { DataStream = new MemoryStream("x"u8.ToArray()) });
        }
        var tarSlip = await _img.RunWithStdinAsync(slip.ToArray(), "load");
        Assert.Equal(1, tarSlip.ExitCode);
        Assert.Contains("refusing tar entry \"../../../tmp/img-slip\"", tarSlip.Error);
        Assert.False(File.Exists("/tmp/img-slip"));

        var notTar = await _img.RunWithStdinAsync("this is not a tar archive at all, just text"u8.ToArray(), "load");
        Assert.Equal(1, notTar.ExitCode);

        var rootfs = await File.ReadAllBytesAsync(await BusyboxRootfs.PathAsync());
        var import = await _img.RunWithStdinAsync(rootfs[..100_000], "import", "-", "cut:1");
        Assert.Equal(1, import.ExitCode);
        Assert.Contains("truncated", import.Error);

        Assert.Equal(before, (await _img.OkAsync("du")).Out);
        Assert.Equal("busybox:1\n", (await _img.OkAsync("ls", "--format", "{{.Name}}")).Out);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_img.State, "tmp")));
    }
}
