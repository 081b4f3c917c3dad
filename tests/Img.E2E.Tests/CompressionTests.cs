using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using Img.E2E.Tests.Infrastructure;
using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests;

/// <summary>
/// <c>-o ...,compression=zstd[,compression-level=N][,force-compression=true]</c>: the image's own
/// layers are zstd (OCI media types), the zstd program and img itself read them back (unpack,
/// load, push and pull), and every layer decompresses to its diffID.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class CompressionTests(ImgFixture fixture) : IAsyncLifetime
{
    private const string ZstdLayer = "application/vnd.oci.image.layer.v1.tar+zstd";
    private const string GzipLayer = "application/vnd.oci.image.layer.v1.tar+gzip";

    private const string Dockerfile = """
        FROM busybox
        RUN seq 1 100000 > /numbers && gzip -c /bin/busybox > /busybox.gz
        COPY a.txt /a.txt
        """;

    private RegistryProcess _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryProcess.StartAsync("zstd", fixture.NewDirectory("registry"), null);

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task ZstdBuild_IsReadBackByZstdUnpackAndLoad()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"));
        var ociTar = Path.Combine(fixture.NewDirectory("out"), "oci.tar");
        (await img.BuildAsync(ctx, "-t", "e2e/zstd:v1", "-o", "type=image,compression=zstd,compression-level=9",
            "-o", $"type=oci,dest={ociTar},compression=zstd,compression-level=9")).AssertSuccess();

        var blobs = await ReadArchiveAsync(ociTar);
        using var index = JsonDocument.Parse(blobs["index.json"]);
        var manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(blobs[BlobPath(manifestDigest)]);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", manifest.RootElement.GetProperty("mediaType").GetString());
        using var config = JsonDocument.Parse(blobs[BlobPath(manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!)]);
        var diffIds = config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(e => e.GetString()!).ToList();
        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().ToList();

        // The imported base keeps its gzip blob; the build's own layers are zstd.
        Assert.Equal([GzipLayer, ZstdLayer, ZstdLayer], layers.Select(l => l.GetProperty("mediaType").GetString()));
        for (var i = 0; i < layers.Count; i++)
        {
            var file = Path.Combine(fixture.NewDirectory("layer"), "blob");
            await File.WriteAllBytesAsync(file, blobs[BlobPath(layers[i].GetProperty("digest").GetString()!)]);
            var program = i == 0 ? "gzip" : "zstd";
            (await ProcessRunner.ToolAsync(program, "-t", file)).AssertSuccess();
            var sha = (await ProcessRunner.ToolAsync("sh", "-c", $"{program} -dc < {file} | sha256sum")).AssertSuccess();
            Assert.Equal(diffIds[i], "sha256:" + sha.Out.Split(' ')[0]);
        }

        var fs = await img.UnpackAsync("e2e/zstd:v1");
        Assert.StartsWith("1\n2\n3\n", fs.Text("/numbers"), StringComparison.Ordinal);
        Assert.Equal("A\n", fs.Text("/a.txt"));
        (await ProcessRunner.ToolAsync("skopeo", "inspect", "oci-archive:" + ociTar)).AssertSuccess();

        // img load verifies every zstd layer's diffID before naming anything.
        var other = await fixture.NewStateAsync(withBusybox: false);
        (await other.RunAsync(["load", "-i", ociTar])).AssertSuccess();
        Assert.Equal(await img.IdAsync("e2e/zstd:v1"), (await other.InspectAsync("e2e/zstd:v1")).GetProperty("Id").GetString());
        Assert.Equal("A\n", (await other.UnpackAsync("e2e/zstd:v1")).Text("/a.txt"));
    }

    [Fact]
    public async Task ForcedZstd_PushedThenPulledIntoAFreshState()
    {
        var img = await fixture.NewStateAsync();
        var reference = $"{_registry.Host}/e2e/zstd:forced";
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "B\n"));
        (await img.BuildAsync(ctx, "-t", reference, "--push", "-o", "type=image,compression=zstd,force-compression=true")).AssertSuccess();

        var raw = (await ProcessRunner.ToolAsync("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference)).AssertSuccess();
        using (var manifest = JsonDocument.Parse(raw.Out))
        {
            Assert.All(manifest.RootElement.GetProperty("layers").EnumerateArray(), l => Assert.Equal(ZstdLayer, l.GetProperty("mediaType").GetString()));
        }

        var other = await fixture.NewStateAsync(withBusybox: false);
        (await other.RunAsync(["pull", reference])).AssertSuccess();
        Assert.Equal(await img.LayersAsync(reference), await other.LayersAsync(reference));
        var fs = await other.UnpackAsync(reference);
        Assert.Equal("B\n", fs.Text("/a.txt"));
        Assert.True(fs.Has("/bin/busybox"), "the recompressed base layer unpacks");

        // A build on the pulled zstd image: its layers are read (unpacked) from zstd blobs.
        var next = ContextDir.Create(fixture, $"FROM {reference}\nRUN cat /a.txt /a.txt > /twice.txt\n");
        (await other.BuildAsync(next, "-t", "e2e/on-zstd")).AssertSuccess();
        Assert.Equal("B\nB\n", (await other.UnpackAsync("e2e/on-zstd")).Text("/twice.txt"));
    }

    [Fact]
    public async Task UnknownCompression_IsAFlagError()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"));
        var result = (await img.BuildAsync(ctx, "-o", "type=image,compression=lz4")).AssertFailure();
        Assert.Equal(125, result.ExitCode);
        Assert.Contains("unsupported compression type lz4", result.Error);
    }

    private static string BlobPath(string digest) => "blobs/sha256/" + digest["sha256:".Length..];

    private static async Task<Dictionary<string, byte[]>> ReadArchiveAsync(string path)
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using var file = File.OpenRead(path);
        using var tar = new TarReader(file);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.DataStream is null) continue;
            using var ms = new MemoryStream();
            await entry.DataStream.CopyToAsync(ms);
            blobs[entry.Name.TrimStart('.', '/')] = ms.ToArray();
        }
        return blobs;
    }
}
