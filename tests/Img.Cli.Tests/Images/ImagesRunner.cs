using System.Diagnostics;
using System.Text;

namespace Img.Cli.Tests.Images;

/// <summary>
/// Runs img in-process like <see cref="AppRunner"/>, but with a byte stdout (so <c>img save</c> can
/// stream a tar) and byte stdin (for <c>img load</c>), against one temp state directory.
/// </summary>
internal sealed class ImagesRunner : IDisposable
{
    public ImagesRunner()
    {
        Root = Directory.CreateTempSubdirectory("img-cli-images-").FullName;
        State = Path.Combine(Root, "state");
    }

    public string Root { get; }
    public string State { get; }

    /// <summary>Whether img is told its stderr is a terminal (the live display of <c>--progress auto</c>).</summary>
    public bool StderrIsTerminal { get; init; }

    public sealed record Result(int ExitCode, byte[] Bytes, string Error)
    {
        public string Out => Encoding.UTF8.GetString(Bytes);
    }

    public Task<Result> RunAsync(params string[] args) => RunWithStdinAsync([], args);

    public async Task<Result> RunWithStdinAsync(byte[] stdin, params string[] args)
    {
        var bytes = new MemoryStream();
        var stdout = new StreamWriter(bytes, new UTF8Encoding(false));
        var stderr = new StringWriter();
        var app = new ImgApp(Commands.CommandCatalog.All()) { StderrIsTerminal = StderrIsTerminal };
        var code = await app.RunAsync(["--state", State, .. args], stdout, stderr,
            () => new MemoryStream(stdin), CancellationToken.None);
        await stdout.FlushAsync();
        return new Result(code, bytes.ToArray(), stderr.ToString());
    }

    /// <summary>Runs img and fails the test when it exits non-zero.</summary>
    public async Task<Result> OkAsync(params string[] args)
    {
        var r = await RunAsync(args);
        Assert.True(r.ExitCode == 0, $"img {string.Join(' ', args)} exited {r.ExitCode}: {r.Error}");
        return r;
    }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>A build context under the root: the Dockerfile and an <c>a.txt</c> ("a\n").</summary>
    public string WriteContext(string dockerfile, string name = "ctx")
    {
        var dir = PathOf(name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Dockerfile"), dockerfile);
        File.WriteAllText(Path.Combine(dir, "a.txt"), "a\n");
        return dir;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>Runs an external tool (skopeo, umoci, podman) with a timeout.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static bool Exists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    public static async Task<Result> RunAsync(string tool, params string[] args)
    {
        if (!Exists(tool))
            throw new InvalidOperationException($"{tool} is not installed: run scripts/install-deps.sh (Debian package {tool})");
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static async Task<Result> OkAsync(string tool, params string[] args)
    {
        var r = await RunAsync(tool, args);
        Assert.True(r.ExitCode == 0, $"{tool} {string.Join(' ', args)} exited {r.ExitCode}: {r.Error}");
        return r;
    }
}

/// <summary>A fact that is reported as skipped, with the reason, when a tool it needs is not installed.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public IReadOnlyList<string> Tools { get; }

    public ToolFactAttribute(params string[] tools)
    {
        // Interop tools are installed by scripts/install-deps.sh; a missing one fails the test
        // (ExternalTool says what to install) instead of skipping it silently.
        Tools = tools;
    }
}
