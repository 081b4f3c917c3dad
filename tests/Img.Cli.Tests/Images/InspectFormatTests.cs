using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Img.Cli.Tests.Images;

/// <summary>
/// <c>img inspect -f</c> prints what <c>docker image inspect -f</c> prints. The expected strings
/// were recorded from docker (CLI 20.10 and 28.2 against dockerd 20.10) on images with these
/// configs: BuildKit's output for a Dockerfile setting nothing but ENV/CMD, and one setting every
/// field.
/// </summary>
public sealed class InspectFormatTests : IDisposable
{
    private const string Sparse = """
        {"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
         "config":{"Env":["PATH=/bin","GREETING=hello"],"Cmd":["greet"],"ArgsEscaped":true}}
        """;

    private const string Full = """
        {"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
         "config":{"User":"1000:1000","ExposedPorts":{"53/udp":{},"80/tcp":{}},"Env":["PATH=/bin","A=1","B=two words"],
           "Entrypoint":["/bin/echo"],"Cmd":["hello"],"Volumes":{"/cache":{},"/data":{}},"WorkingDir":"/work",
           "Labels":{"a":"first","z":"last"},"StopSignal":"SIGQUIT",
           "Healthcheck":{"Test":["CMD-SHELL","echo ok"],"Interval":5000000000,"Timeout":3000000000,"StartPeriod":90000000000,"Retries":4},
           "ArgsEscaped":true,"OnBuild":["RUN echo hi"],"Shell":["/bin/bash","-c"]}}
        """;

    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    [Theory]
    [InlineData("{{json .Config.OnBuild}}", "null")]
    [InlineData("{{.Config.OnBuild}}", "[]")]
    [InlineData("{{.Config.Hostname}}|{{json .Config.Hostname}}", "|\"\"")]
    [InlineData("{{.Config.User}}|{{json .Config.User}}", "|\"\"")]
    [InlineData("{{.Config.Env}}", "[PATH=/bin GREETING=hello]")]
    [InlineData("{{.Config.Cmd}}|{{json .Config.Cmd}}", "[greet]|[\"greet\"]")]
    [InlineData("{{.Config.Entrypoint}}|{{json .Config.Entrypoint}}", "[]|null")]
    [InlineData("{{.Config.WorkingDir}}|{{json .Config.WorkingDir}}", "|\"\"")]
    [InlineData("{{.Config.Labels}}|{{json .Config.Labels}}", "map[]|null")]
    [InlineData("{{.Config.Volumes}}|{{json .Config.Volumes}}", "map[]|null")]
    [InlineData("{{.Config.ExposedPorts}}|{{json .Config.ExposedPorts}}", "map[]|null")]
    [InlineData("{{.Config.StopSignal}}|{{json .Config.StopSignal}}", "|\"\"")]
    [InlineData("{{.Config.Healthcheck}}|{{json .Config.Healthcheck}}", "<nil>|null")]
    [InlineData("{{.Config.Shell}}|{{json .Config.Shell}}", "[]|null")]
    [InlineData("{{.Config.StopTimeout}}|{{.Config.AttachStdin}}|{{.Config.ArgsEscaped}}", "<nil>|false|true")]
    [InlineData("{{.Config.Labels.missing}}|{{index .Config.Labels \"missing\"}}|{{len .Config.OnBuild}}", "<no value>||0")]
    [InlineData("{{.ContainerConfig}}", "{   false false false map[] false false false [] [] <nil> false  map[]  [] false  [] map[]  <nil> []}")]
    [InlineData("{{json .ContainerConfig}}",
        """{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null}""")]
    // .Id is the JSON name (the Go field is ID): docker then runs the template over the decoded
    // JSON, where an unset list is a missing value.
    [InlineData("{{.Config.OnBuild}}|{{json .Config.OnBuild}}|{{.Id | len}}", "<no value>|null|71")]
    public async Task Unset_fields_print_like_docker(string format, string expected)
    {
        await LoadAsync("sparse:1", Sparse);
        Assert.Equal(expected + "\n", (await _img.OkAsync("inspect", "-f", format, "sparse:1")).Out);
    }

    [Theory]
    [InlineData("{{.Config.User}}|{{json .Config.User}}", "1000:1000|\"1000:1000\"")]
    [InlineData("{{.Config.ExposedPorts}}|{{json .Config.ExposedPorts}}", "map[53/udp:{} 80/tcp:{}]|{\"53/udp\":{},\"80/tcp\":{}}")]
    [InlineData("{{.Config.Volumes}}|{{json .Config.Volumes}}", "map[/cache:{} /data:{}]|{\"/cache\":{},\"/data\":{}}")]
    [InlineData("{{.Config.Labels}}|{{.Config.Labels.a}}|{{index .Config.Labels \"z\"}}", "map[a:first z:last]|first|last")]
    [InlineData("{{.Config.Entrypoint}}|{{.Config.Cmd}}|{{.Config.WorkingDir}}", "[/bin/echo]|[hello]|/work")]
    [InlineData("{{.Config.OnBuild}}|{{json .Config.OnBuild}}", "[RUN echo hi]|[\"RUN echo hi\"]")]
    [InlineData("{{.Config.StopSignal}}|{{.Config.Shell}}|{{json .Config.Shell}}", "SIGQUIT|[/bin/bash -c]|[\"/bin/bash\",\"-c\"]")]
    [InlineData("{{.Config.Healthcheck}}", "{[CMD-SHELL echo ok] 5s 3s 1m30s 0s 4}")]
    [InlineData("{{.Config.Healthcheck.StartPeriod}}|{{.Config.Healthcheck.Retries}}|{{json .Config.Healthcheck.Interval}}", "1m30s|4|5000000000")]
    [InlineData("{{json .Config.Healthcheck}}",
        """{"Test":["CMD-SHELL","echo ok"],"Interval":5000000000,"Timeout":3000000000,"StartPeriod":90000000000,"Retries":4}""")]
    [InlineData("{{json .Config}}",
        """{"Hostname":"","Domainname":"","User":"1000:1000","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"ExposedPorts":{"53/udp":{},"80/tcp":{}},"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":["PATH=/bin","A=1","B=two words"],"Cmd":["hello"],"Healthcheck":{"Test":["CMD-SHELL","echo ok"],"Interval":5000000000,"Timeout":3000000000,"StartPeriod":90000000000,"Retries":4},"ArgsEscaped":true,"Image":"","Volumes":{"/cache":{},"/data":{}},"WorkingDir":"/work","Entrypoint":["/bin/echo"],"OnBuild":["RUN echo hi"],"Labels":{"a":"first","z":"last"},"StopSignal":"SIGQUIT","Shell":["/bin/bash","-c"]}""")]
    [InlineData("{{.Id | len}}|{{.Config.Volumes}}", "71|map[/cache:map[] /data:map[]]")]
    public async Task Set_fields_print_like_docker(string format, string expected)
    {
        await LoadAsync("full:1", Full);
        Assert.Equal(expected + "\n", (await _img.OkAsync("inspect", "-f", format, "full:1")).Out);
    }

    [Fact]
    public async Task Unknown_fields_fail_like_docker_and_the_other_images_still_print()
    {
        await LoadAsync("sparse:1", Sparse);
        await LoadAsync("full:1", Full);

        var unknown = await _img.RunAsync("inspect", "-f", "{{.Config.Nope}}", "sparse:1");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("ERROR: template parsing error: template: :1:9: executing \"\" at <.Config.Nope>: map has no entry for key \"Nope\"\n", unknown.Error);

        // Healthcheck is nil in one image (and absent from its JSON), set in the other.
        var nil = await _img.RunAsync("inspect", "-f", "{{.Config.Healthcheck.Test}}", "full:1", "sparse:1");
        Assert.Equal(1, nil.ExitCode);
        Assert.Equal("[CMD-SHELL echo ok]\n", nil.Out);
        Assert.Contains("at <.Config.Healthcheck.Test>: map has no entry for key \"Healthcheck\"", nil.Error);

        var parse = await _img.RunAsync("inspect", "-f", "{{frobnicate .}}", "sparse:1");
        Assert.Equal(1, parse.ExitCode);
        Assert.Contains("function \"frobnicate\" not defined", parse.Error);
    }

    [Fact]
    public async Task Json_has_dockers_fields_in_dockers_order()
    {
        await LoadAsync("sparse:1", Sparse);
        using var doc = JsonDocument.Parse((await _img.OkAsync("inspect", "sparse:1")).Out);
        var image = doc.RootElement[0];
        Assert.Equal(
            ["Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig", "DockerVersion", "Author",
             "Config", "Architecture", "Os", "Size", "RootFS", "Metadata", "Descriptor"],
            image.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "Tty", "OpenStdin", "StdinOnce",
             "Env", "Cmd", "ArgsEscaped", "Image", "Volumes", "WorkingDir", "Entrypoint", "OnBuild", "Labels"],
            image.GetProperty("Config").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, image.GetProperty("Config").GetProperty("OnBuild").ValueKind);
        Assert.Equal("2024-01-01T00:00:00Z", image.GetProperty("Created").GetString());
    }

    /// <summary>Loads a one-layer docker-archive whose image config is <paramref name="config"/> (its rootfs added).</summary>
    private async Task LoadAsync(string name, string config)
    {
        var layer = new MemoryStream();
        await using (var writer = new TarWriter(layer, leaveOpen: true))
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "x") { DataStream = new MemoryStream("x\n"u8.ToArray()) });
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(layer.ToArray()));
        var withRootfs = config[..config.LastIndexOf('}')] + $",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{diffId}\"]}}}}";
        var configBytes = Encoding.UTF8.GetBytes(withRootfs);
        var configName = Convert.ToHexStringLower(SHA256.HashData(configBytes)) + ".json";
        var manifest = $"[{{\"Config\":\"{configName}\",\"RepoTags\":[\"{name}\"],\"Layers\":[\"layer/layer.tar\"]}}]";

        var archive = new MemoryStream();
        await using (var writer = new TarWriter(archive, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, configName) { DataStream = new MemoryStream(configBytes) });
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "layer/layer.tar") { DataStream = new MemoryStream(layer.ToArray()) });
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(manifest)) });
        }
        var load = await _img.RunWithStdinAsync(archive.ToArray(), "load");
        Assert.True(load.ExitCode == 0, load.Error);
    }
}
