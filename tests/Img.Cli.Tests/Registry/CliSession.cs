using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Img.Cli.Commands;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Images;
using Img.Engine.Images.Local;
using Img.Engine.Oci;
using Img.Engine.State;
using Img.Engine.Tests.Fixtures;

namespace Img.Cli.Tests.Registry;

/// <summary>
/// One user of img for a test: a temp state directory and a temp docker config directory, given
/// to the in-process CLI through <see cref="ImgApp.DockerConfigDirectory"/> (no process-wide
/// environment), plus helpers to make images with <c>img import</c> and look into the store.
/// </summary>
public sealed class CliSession : IDisposable
{
    public CliSession(string? dockerConfigDirectory = null)
    {
        Root = Directory.CreateTempSubdirectory("img-cli-registry-").FullName;
        StateDirectory = Path.Combine(Root, "state");
        DockerConfigDirectory = dockerConfigDirectory ?? Path.Combine(Root, "docker");
    }

    public string Root { get; }
    public string StateDirectory { get; }
    public string DockerConfigDirectory { get; }
    public string ConfigPath => Path.Combine(DockerConfigDirectory, "config.json");
    public FakeTerminal? Terminal { get; set; }

    /// <summary>The same user on another machine: an empty state directory, the same logins. Dispose it before this one.</summary>
    public CliSession WithFreshState() => new(DockerConfigDirectory);

    public Task<AppRunner.Result> RunAsync(params string[] args) => RunWithStdinAsync("", args);

    public async Task<AppRunner.Result> RunWithStdinAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var app = new ImgApp(CommandCatalog.All()) { DockerConfigDirectory = DockerConfigDirectory, Terminal = Terminal };
        var code = await app.RunAsync(["--state", StateDirectory, .. args], stdout, stderr,
            () => new MemoryStream(Encoding.UTF8.GetBytes(stdin)), CancellationToken.None);
        return new AppRunner.Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary><c>img import</c> of a root file system with <paramref name="files"/> random files; a new image each time.</summary>
    public async Task ImportAsync(string name, int files = 1, int fileSize = 64 * 1024)
    {
        var tar = Path.Combine(Root, $"rootfs-{Guid.NewGuid():N}.tar");
        await using (var stream = File.Create(tar))
        await using (var writer = new TarWriter(stream, TarEntryFormat.Pax))
        {
            for (var i = 0; i < files; i++)
            {
                var payload = new byte[fileSize];
                Random.Shared.NextBytes(payload);
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, $"data/file{i}.bin")
                {
                    DataStream = new MemoryStream(payload),
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                });
            }
        }
        var result = await RunAsync("import", tar, name);
        Assert.True(result.ExitCode == 0, $"img import failed: {result.Error}");
    }

    public LocalImageStore Images => LocalImageStore.Open(new StateDirectory(StateDirectory));
    public LocalContentStore Content => LocalContentStore.Open(new StateDirectory(StateDirectory));

    public async Task<Image?> ImageAsync(string canonicalName) =>
        Directory.Exists(StateDirectory) ? await Images.GetAsync(canonicalName) : null;

    public async Task<ImageManifest> ManifestAsync(Image image) =>
        await Content.ReadJsonAsync<ImageManifest>(image.Target);

    /// <summary>Names in the image store, sorted.</summary>
    public async Task<IReadOnlyList<string>> ImageNamesAsync() =>
        Directory.Exists(StateDirectory) ? (await Images.ListAsync()).Select(i => i.Name).ToList() : [];

    public async Task<bool> HasBlobAsync(string digest) => await Content.ExistsAsync(Digest.Parse(digest));

    /// <summary><c>skopeo inspect</c> of a plain-HTTP image: its manifest digest and layer digests.</summary>
    public async Task<(string Digest, IReadOnlyList<string> Layers)> SkopeoInspectAsync(string reference)
    {
        const string skopeo = "/usr/bin/skopeo";
        if (!File.Exists(skopeo))
            throw new InvalidOperationException($"{skopeo} is missing. Install it with: {RegistryProcess.InstallHint}");
        var start = new ProcessStartInfo(skopeo)
        {
            ArgumentList = { "inspect", "--tls-verify=false", $"docker://{reference}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HOME"] = Root;
        start.Environment["REGISTRY_AUTH_FILE"] = Path.Combine(Root, "skopeo-auth.json");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"skopeo inspect {reference} failed: {await stderr}");
        using var json = JsonDocument.Parse(await stdout);
        return (json.RootElement.GetProperty("Digest").GetString()!,
            json.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()!).ToList());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
