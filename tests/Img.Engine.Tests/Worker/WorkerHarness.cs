using System.Diagnostics;
using System.Formats.Tar;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Context;
using Img.Engine.Execution.Runc;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Images;
using Img.Engine.Images.Local;
using Img.Engine.Native;
using Img.Engine.Oci;
using Img.Engine.Snapshots;
using Img.Engine.Solver;
using Img.Engine.State;
using Img.Engine.Tests.Execution;
using Img.Engine.Tests.Snapshots;
using Img.Engine.Worker;
using Img.Engine.Worker.Export;
using Img.Engine.Worker.Files;
using Img.Engine.Worker.Sources;

namespace Img.Engine.Tests.Worker;

/// <summary>
/// A real worker in a temporary state directory: a snapshotter of the requested backend, content
/// and image stores, runc, and <c>docker.io/library/busybox:latest</c> imported into the image
/// store from Debian's busybox-static (offline: no registry configured).
/// </summary>
internal sealed class WorkerHarness : IDisposable
{
    public const string BusyboxName = "docker.io/library/busybox:latest";
    public static readonly DateTimeOffset BaseCreated = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly Lazy<byte[]> BusyboxTar = new(MakeBusyboxTar);

    private WorkerHarness(TestDirectory dir, string snapshotter, ImageExportOptions export, IReadOnlyDictionary<string, string>? secrets)
    {
        Dir = dir;
        State = new StateDirectory(dir.Sub("state")).EnsureCreated();
        Snapshotter = SnapshotterFactory.Create(snapshotter, State.SnapshotsRoot).Snapshotter;
        Content = LocalContentStore.Open(State);
        Images = LocalImageStore.Open(State);
        ContextDir = dir.Sub("context");
        Options = new VertexExecutorOptions
        {
            State = State,
            Snapshotter = Snapshotter,
            Content = Content,
            Images = Images,
            Runtime = new RuncRuntime(new RuncRuntimeOptions(Path.Join(State.Root, "runc-state"))),
            Export = export,
            Secrets = secrets ?? new Dictionary<string, string>(),
        };
        Executor = new VertexExecutor(Options);
    }

    public TestDirectory Dir { get; }
    public StateDirectory State { get; }
    public ISnapshotter Snapshotter { get; }
    public LocalContentStore Content { get; }
    public LocalImageStore Images { get; }
    public string ContextDir { get; }
    public VertexExecutorOptions Options { get; }
    public VertexExecutor Executor { get; private set; }
    public CollectingLog Log { get; } = new();
    public Descriptor? BaseManifest { get; private set; }

    public static async Task<WorkerHarness> CreateAsync(string snapshotter = "overlayfs", ImageExportOptions? export = null, IReadOnlyDictionary<string, string>? secrets = null)
    {
        Requirements.Runc();
        if (snapshotter == "fuse-overlayfs")
            Requirements.FuseOverlay();
        var harness = new WorkerHarness(new TestDirectory("img-worker"), snapshotter, export ?? new ImageExportOptions(), secrets);
        await harness.ImportBusyboxAsync();
        return harness;
    }

    /// <summary>A second executor on the same state (what a new <c>img</c> process would have).</summary>
    public void Reopen() => Executor = new VertexExecutor(Options);

    private async Task ImportBusyboxAsync() =>
        BaseManifest = await ImportBusyboxAsync(BusyboxName, BaseCreated, []);

    /// <summary>Imports the busybox rootfs under <paramref name="name"/> (replacing what it named), with extra ENV entries.</summary>
    public async Task<Descriptor> ImportBusyboxAsync(string name, DateTimeOffset created, IReadOnlyList<string> env)
    {
        var result = await ImageImporter.ImportAsync(Content, new MemoryStream(BusyboxTar.Value), State.TempRoot, new ImportOptions
        {
            Created = created,
            Platform = HostPlatform.Current,
            Config = new ContainerConfig { Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", .. env], Cmd = ["sh"] },
        });
        await Images.PutAsync(new Image { Name = name, Target = result.Manifest });
        return result.Manifest;
    }

    private static byte[] MakeBusyboxTar()
    {
        using var dir = new TestDirectory("img-busybox");
        var root = dir.Sub("rootfs");
        BusyboxRootfs.Populate(root);
        var tar = Path.Join(dir.Path, "rootfs.tar");
        var psi = new ProcessStartInfo("tar", ["--numeric-owner", "--sort=name", "-C", root, "-cf", tar, "."]) { UseShellExecute = false };
        using (var p = Process.Start(psi)!)
        {
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new InvalidOperationException("tar failed");
        }
        return File.ReadAllBytes(tar);
    }

    public void WriteContext(string path, string content, uint? mode = null)
    {
        var full = Path.Join(ContextDir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        if (mode is { } m)
            Posix.Chmod(full, m);
    }

    public async Task<ConversionResult> ConvertAsync(string dockerfile, ConvertOptions? options = null)
    {
        File.WriteAllText(Path.Join(ContextDir, "Dockerfile"), dockerfile);
        var context = BuildContext.Open(ContextDir, null, State);
        Executor.LocalSources.Register("context", context);
        options = (options ?? new ConvertOptions()) with
        {
            ImageResolver = new LocalImageConfigResolver(Executor.Locator),
            ContextExcludePatterns = context.Filter.Patterns,
        };
        return await DockerfileConverter.ConvertAsync(dockerfile, options, CancellationToken.None);
    }

    /// <summary>Converts and runs every vertex; returns the results and the target's.</summary>
    public async Task<(Dictionary<OpDigest, CacheResult> Results, CacheResult Target, ConversionResult Conversion)> BuildAsync(string dockerfile, ConvertOptions? options = null)
    {
        var conversion = await ConvertAsync(dockerfile, options);
        var results = await GraphWalker.RunAsync(Executor, conversion.Graph, Executor.Checksums, Log);
        return (results, results[conversion.Graph.Target.Digest], conversion);
    }

    public async Task<(ImageManifest Manifest, ImageConfig Config, byte[] RawConfig)> ReadImageAsync(Descriptor manifest)
    {
        var m = await Content.ReadJsonAsync<ImageManifest>(manifest);
        var raw = await Content.ReadAllBytesAsync(m.Config);
        return (m, System.Text.Json.JsonSerializer.Deserialize<ImageConfig>(raw)!, raw);
    }

    /// <summary>The entries of a layer blob: name, type, mode, uid, gid, content (files).</summary>
    public async Task<List<LayerEntry>> ReadLayerAsync(Descriptor layer)
    {
        await using var reader = await Content.OpenAsync(layer);
        await using var tarStream = await Compression.OpenDecompressedAsync(reader.Stream, leaveOpen: false, CancellationToken.None);
        var entries = new List<LayerEntry>();
        using var tar = new TarReader(tarStream);
        while (tar.GetNextEntry() is { } e)
        {
            string? text = null;
            if (e.DataStream is { } data)
            {
                using var sr = new StreamReader(data);
                text = sr.ReadToEnd();
            }
            entries.Add(new LayerEntry(e.Name, e.EntryType, (int)e.Mode, e.Uid, e.Gid, text));
        }
        return entries;
    }

    public void Dispose()
    {
        Snapshotter.Dispose();
        Dir.Dispose();
    }
}
