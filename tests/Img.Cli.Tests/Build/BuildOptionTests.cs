using System.Text.Json;
using Img.Cli.Tests.Images;

namespace Img.Cli.Tests.Build;

/// <summary>
/// The build options CI passes, in-process on a real state directory with runc: what a RUN step
/// sees of <c>--add-host</c>, <c>--shm-size</c>, <c>--ulimit</c>, <c>--secret id=X,env=VAR</c> and
/// <c>--cgroup-parent</c>, their cache keys, the flag errors, and <c>--metadata-file</c>.
/// </summary>
public sealed class BuildOptionTests : IDisposable
{
    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    private async Task ImportBusyboxAsync() =>
        await _img.OkAsync("import", "-c", "ENV PATH=/bin", await BusyboxRootfs.PathAsync(), "busybox:latest");

    /// <summary>Builds <paramref name="dockerfile"/> with <paramref name="flags"/> into a directory and reads <paramref name="file"/> back.</summary>
    private async Task<(string Text, string Progress)> RunStepAsync(string dockerfile, string file, params string[] flags)
    {
        var context = _img.WriteContext(dockerfile);
        var dest = _img.PathOf("out-" + Guid.NewGuid().ToString("N")[..8]);
        var r = await _img.OkAsync(["build", "--progress=plain", .. flags, "-o", $"type=local,dest={dest}", context]);
        return (await File.ReadAllTextAsync(Path.Combine(dest, file)), r.Error);
    }

    [Fact]
    public async Task Add_host_lines_reach_etc_hosts_of_RUN_and_change_its_cache_key()
    {
        await ImportBusyboxAsync();
        const string dockerfile = "FROM busybox\nRUN cat /etc/hosts > /hosts\n";
        var (hosts, _) = await RunStepAsync(dockerfile, "hosts", "--add-host", "mirror.example:10.1.2.3", "--add-host", "v6.example=[fd00::1]", "--add-host", "lo6:::1");
        Assert.Contains("\n10.1.2.3\tmirror.example\n", hosts);
        Assert.Contains("\nfd00::1\tv6.example\n", hosts);
        Assert.Contains("\n::1\tlo6\n", hosts);

        var (without, progress) = await RunStepAsync(dockerfile, "hosts");
        Assert.DoesNotContain("mirror.example", without);
        Assert.DoesNotContain("CACHED", progress.Split("RUN cat /etc/hosts")[^1]);
    }

    [Fact]
    public async Task Add_host_gateway_names_the_host_a_RUN_step_shares_the_network_of()
    {
        await ImportBusyboxAsync();
        // something on the host that only a step sharing its network reaches, on loopback
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            using var reader = new StreamReader(client.GetStream());
            return await reader.ReadLineAsync();
        });
        var dockerfile = $"FROM busybox\nRUN cat /etc/hosts > /hosts && echo from-the-step | nc gateway.example {port}\n";
        var (hosts, _) = await RunStepAsync(dockerfile, "hosts", "--add-host", "gateway.example:host-gateway");
        Assert.Contains("\n127.0.0.1\tgateway.example\n", hosts);
        Assert.Equal("from-the-step", await accepted.WaitAsync(TimeSpan.FromSeconds(30)));

        // without a network the name still resolves (as docker writes the line), to the step's own loopback
        var (isolated, _) = await RunStepAsync("FROM busybox\nRUN cat /etc/hosts > /hosts\n", "hosts", "--network", "none", "--add-host", "gateway.example=host-gateway");
        Assert.Contains("\n127.0.0.1\tgateway.example\n", isolated);
    }

    [Theory]
    [InlineData("gw:[host-gateway]", "ERROR: invalid host gw:[host-gateway]\n")]
    [InlineData("nohost", "ERROR: invalid host nohost\n")]
    [InlineData("h:not-an-ip", "ERROR: invalid host h:not-an-ip\n")]
    [InlineData(":1.2.3.4", "ERROR: invalid host :1.2.3.4\n")]
    public async Task A_bad_add_host_fails_before_the_build_as_buildx(string value, string error)
    {
        var context = _img.WriteContext("FROM busybox\n");
        var r = await _img.RunAsync("build", "--add-host", value, context);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(error, r.Error);
    }

    [Fact]
    public async Task Shm_size_sizes_dev_shm_of_RUN()
    {
        await ImportBusyboxAsync();
        const string dockerfile = "FROM busybox\nRUN busybox grep ' /dev/shm ' /proc/mounts > /shm\n";
        var (shm, _) = await RunStepAsync(dockerfile, "shm", "--shm-size", "128m");
        Assert.Contains("size=131072k", shm);
        var (standard, _) = await RunStepAsync(dockerfile, "shm");
        Assert.Contains("size=65536k", standard);
    }

    [Fact]
    public async Task Ulimit_sets_the_soft_and_hard_limits_of_RUN()
    {
        await ImportBusyboxAsync();
        const string dockerfile = "FROM busybox\nRUN echo $(ulimit -S -n) $(ulimit -H -n) $(ulimit -S -s) > /limits\n";
        var (limits, _) = await RunStepAsync(dockerfile, "limits", "--ulimit", "nofile=2048:4096", "--ulimit", "stack=-1");
        Assert.Equal("2048 4096 unlimited\n", limits);
        var (standard, _) = await RunStepAsync(dockerfile, "limits");
        Assert.StartsWith("1024 1024 ", standard);
    }

    [Theory]
    [InlineData("nofile", "invalid ulimit argument: nofile")]
    [InlineData("nofiles=1", "invalid ulimit type: nofiles")]
    [InlineData("nofile=2:1", "ulimit soft limit must be less than or equal to hard limit: 2 > 1")]
    [InlineData("nofile=1:2:3", "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`")]
    public async Task A_bad_ulimit_is_a_flag_error(string value, string reason)
    {
        var context = _img.WriteContext("FROM busybox\n");
        var r = await _img.RunAsync("build", "--ulimit", value, context);
        Assert.Equal(125, r.ExitCode);
        Assert.Equal($"invalid argument \"{value}\" for \"--ulimit\" flag: {reason}\nSee 'img build --help'.\n", r.Error);
    }

    [Fact]
    public async Task A_bad_shm_size_is_a_flag_error()
    {
        var context = _img.WriteContext("FROM busybox\n");
        var r = await _img.RunAsync("build", "--shm-size", "lots", context);
        Assert.Equal(125, r.ExitCode);
        Assert.Equal("invalid argument \"lots\" for \"--shm-size\" flag: invalid size: 'lots'\nSee 'img build --help'.\n", r.Error);
    }

    [Fact]
    public async Task A_secret_from_an_environment_variable_is_mounted_in_RUN()
    {
        await ImportBusyboxAsync();
        var variable = "IMG_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, "from-the-environment");
        try
        {
            const string dockerfile = "FROM busybox\nRUN --mount=type=secret,id=token cat /run/secrets/token > /seen\n";
            var (seen, _) = await RunStepAsync(dockerfile, "seen", "--secret", $"id=token,env={variable}");
            Assert.Equal("from-the-environment", seen);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
        var context = _img.WriteContext("FROM busybox\n");
        var unset = await _img.RunAsync("build", "--secret", $"id=token,env={variable}", context);
        Assert.Equal(1, unset.ExitCode);
        Assert.Contains($"environment variable {variable} is not set", unset.Error);
    }

    [Fact]
    public async Task Cgroup_parent_is_accepted_and_keys_RUN_apart()
    {
        await ImportBusyboxAsync();
        const string dockerfile = "FROM busybox\nRUN echo ran > /ran\n";
        var (ran, _) = await RunStepAsync(dockerfile, "ran");
        Assert.Equal("ran\n", ran);
        var (again, progress) = await RunStepAsync(dockerfile, "ran", "--cgroup-parent", "img-ci");
        Assert.Equal("ran\n", again);
        // BuildKit hashes the exec op's cgroup parent: the step runs again, it is not CACHED
        Assert.DoesNotContain("CACHED", progress.Split("RUN echo ran")[^1]);
        var (_, cached) = await RunStepAsync(dockerfile, "ran", "--cgroup-parent", "img-ci");
        Assert.Contains("CACHED", cached.Split("RUN echo ran")[^1]);
    }

    [Fact]
    public async Task Metadata_file_has_buildx_keys_for_the_image()
    {
        await ImportBusyboxAsync();
        var context = _img.WriteContext("FROM busybox\nCOPY a.txt /\n");
        var metadata = _img.PathOf("metadata.json");
        await _img.OkAsync("build", "-q", "-t", "app", "-t", "reg.example/team/app:1", "--metadata-file", metadata, context);
        var text = await File.ReadAllTextAsync(metadata);
        var id = (await _img.OkAsync("inspect", "--format", "{{.Id}}", "app")).Out.Trim();
        var manifest = (await _img.OkAsync("ls", "--format", "{{.Digest}}", "--filter", "reference=app")).Out.Trim();
        Assert.Matches("^sha256:[0-9a-f]{64}$", manifest);

        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        Assert.Equal(
            ["containerimage.config.digest", "containerimage.descriptor", "containerimage.digest", "image.name"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(id, root.GetProperty("containerimage.config.digest").GetString());
        Assert.Equal(manifest, root.GetProperty("containerimage.digest").GetString());
        Assert.Equal("docker.io/library/app:latest,reg.example/team/app:1", root.GetProperty("image.name").GetString());
        var descriptor = root.GetProperty("containerimage.descriptor");
        Assert.Equal(manifest, descriptor.GetProperty("digest").GetString());
        Assert.StartsWith("application/vnd.", descriptor.GetProperty("mediaType").GetString());
        Assert.True(descriptor.GetProperty("size").GetInt64() > 0);
        Assert.Equal(id, descriptor.GetProperty("annotations").GetProperty("config.digest").GetString());
        // Go's MarshalIndent layout: two spaces, '+' left as it is
        Assert.StartsWith("{\n  \"containerimage.config.digest\": \"sha256:", text);
        Assert.DoesNotContain("\\u002B", text);
    }

    [Fact]
    public async Task Metadata_file_of_a_local_export_names_no_image()
    {
        await ImportBusyboxAsync();
        var context = _img.WriteContext("FROM busybox\nCOPY a.txt /\n");
        var metadata = _img.PathOf("metadata.json");
        await _img.OkAsync("build", "-q", "-o", $"type=local,dest={_img.PathOf("files")}", "--metadata-file", metadata, context);
        Assert.Equal("{}", await File.ReadAllTextAsync(metadata));
    }
}
