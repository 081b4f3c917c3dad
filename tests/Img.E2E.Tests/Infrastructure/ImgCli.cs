using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>The published <c>img</c> binary bound to one state directory; every call is a new process.</summary>
public sealed class ImgCli(ImgFixture fixture, string state)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public string State { get; } = state;
    public ImgFixture Fixture { get; } = fixture;

    public async Task<ProcessResult> RunAsync(IEnumerable<string> args, string? workingDirectory = null, string? stdin = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = StartInfo(args, workingDirectory);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return await ProcessRunner.RunAsync(start, stdin is null ? null : Encoding.UTF8.GetBytes(stdin), timeout ?? DefaultTimeout);
    }

    /// <summary><c>img build --progress=plain ARGS... CONTEXT</c>, left running (to be signalled).</summary>
    public StartedProcess StartBuild(string context, params string[] args) =>
        StartedProcess.Start(StartInfo(["build", "--progress=plain", .. args, context], context));

    private ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory)
    {
        var start = new ProcessStartInfo(Fixture.Binary)
        {
            WorkingDirectory = workingDirectory ?? Fixture.Root,
        };
        start.ArgumentList.Add("--state");
        start.ArgumentList.Add(State);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("IMG_STATE");
        // no host logins: registry access is anonymous, against the tests' registry only
        start.Environment["DOCKER_CONFIG"] = Path.Combine(State, "..", Path.GetFileName(State) + "-docker-config");
        return start;
    }

    /// <summary><c>img build --progress=plain ARGS... CONTEXT</c>, run in the context's directory.</summary>
    public Task<ProcessResult> BuildAsync(string context, params string[] args) =>
        RunAsync(["build", "--progress=plain", .. args, context], workingDirectory: Directory.Exists(context) ? context : null);

    /// <summary>The first object of <c>img inspect IMAGE</c>.</summary>
    public async Task<JsonElement> InspectAsync(string image)
    {
        var result = (await RunAsync(["inspect", image])).AssertSuccess();
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement[0].Clone();
    }

    /// <summary>The image id (config digest) of a local image.</summary>
    public async Task<string> IdAsync(string image) => (await InspectAsync(image)).GetProperty("Id").GetString()!;

    /// <summary>The diffIDs of an image's layers.</summary>
    public async Task<IReadOnlyList<string>> LayersAsync(string image) =>
        (await InspectAsync(image)).GetProperty("RootFS").GetProperty("Layers").EnumerateArray().Select(e => e.GetString()!).ToList();

    /// <summary><c>img unpack IMAGE DIR</c>, then the tree read back.</summary>
    public async Task<FileTree> UnpackAsync(string image)
    {
        var dir = Fixture.NewDirectory("rootfs");
        (await RunAsync(["unpack", image, dir])).AssertSuccess();
        return await FileTree.ReadAsync(dir);
    }

    /// <summary>The names <c>img ls</c> lists.</summary>
    public async Task<IReadOnlyList<string>> ListAsync()
    {
        var result = (await RunAsync(["ls", "--format", "{{.Name}}"])).AssertSuccess();
        return result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
