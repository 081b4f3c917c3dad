using System.Text.Json;
using Img.Engine.Platforms;

namespace Img.Cli.Tests.Images;

/// <summary>img's archives read by skopeo, umoci and podman, and theirs read by img.</summary>
public sealed class InteropTests : IDisposable
{
    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    private async Task<(string Id, string DiffId, string LayerDigest, string ManifestDigest)> ImportAsync()
    {
        await _img.OkAsync("import", "-c", "CMD [\"/bin/sh\"]", await BusyboxRootfs.PathAsync(), "busybox:1");
        var inspect = JsonDocument.Parse((await _img.OkAsync("inspect", "busybox:1")).Out).RootElement[0];
        var manifestDigest = inspect.GetProperty("Descriptor").GetProperty("digest").GetString()!;
        var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_img.State, "content", "blobs", "sha256", manifestDigest[7..]))).RootElement;
        return (inspect.GetProperty("Id").GetString()!, inspect.GetProperty("RootFS").GetProperty("Layers")[0].GetString()!,
            manifest.GetProperty("layers")[0].GetProperty("digest").GetString()!, manifestDigest);
    }

    [ToolFact("skopeo")]
    public async Task Skopeo_reads_the_docker_archive_and_copies_it_to_an_oci_layout()
    {
        var image = await ImportAsync();
        var archive = _img.PathOf("bb.tar");
        await _img.OkAsync("save", "-o", archive, "busybox:1");

        var inspect = JsonDocument.Parse((await ExternalTool.OkAsync("skopeo", "inspect", "docker-archive:" + archive)).Out).RootElement;
        Assert.Equal([image.DiffId], inspect.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(PlatformSpec.Default().Architecture, inspect.GetProperty("Architecture").GetString());

        var oci = _img.PathOf("oci");
        await ExternalTool.OkAsync("skopeo", "copy", "docker-archive:" + archive + ":busybox:1", "oci:" + oci + ":bb");
        var index = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(oci, "index.json"))).RootElement;
        var manifestDigest = index.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(oci, "blobs", "sha256", manifestDigest[7..]))).RootElement;
        var configDigest = manifest.GetProperty("config").GetProperty("digest").GetString()!;
        var config = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(oci, "blobs", "sha256", configDigest[7..]))).RootElement;
        Assert.Equal([image.DiffId], config.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(e => e.GetString()));
    }

    [ToolFact("skopeo")]
    public async Task Skopeo_sees_the_stored_manifest_and_compressed_layer_in_the_oci_archive()
    {
        var image = await ImportAsync();
        var archive = _img.PathOf("bb-oci.tar");
        await _img.OkAsync("save", "--format", "oci", "-o", archive, "busybox:1");

        var inspect = JsonDocument.Parse((await ExternalTool.OkAsync("skopeo", "inspect", "oci-archive:" + archive + ":1")).Out).RootElement;

        Assert.Equal(image.ManifestDigest, inspect.GetProperty("Digest").GetString());
        Assert.Equal([image.LayerDigest], inspect.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));
    }

    [ToolFact("skopeo")]
    public async Task Img_loads_what_skopeo_writes()
    {
        var image = await ImportAsync();
        var oci = _img.PathOf("oci");
        var archive = _img.PathOf("bb.tar");
        await _img.OkAsync("save", "--format", "oci", "-o", archive, "busybox:1");
        await ExternalTool.OkAsync("skopeo", "copy", "oci-archive:" + archive + ":1", "oci:" + oci + ":bb");
        var dockerArchive = _img.PathOf("from-skopeo.tar");
        await ExternalTool.OkAsync("skopeo", "copy", "oci:" + oci + ":bb", "docker-archive:" + dockerArchive + ":localhost:5000/from/skopeo:1");
        var ociArchive = _img.PathOf("from-skopeo-oci.tar");
        await ExternalTool.OkAsync("skopeo", "copy", "oci:" + oci + ":bb", "oci-archive:" + ociArchive + ":skopeo/oci:2");

        Assert.Equal("Loaded image: localhost:5000/from/skopeo:1\n", (await _img.OkAsync("load", "-i", dockerArchive)).Out);
        Assert.Equal("Loaded image: skopeo/oci:2\n", (await _img.OkAsync("load", "--input", ociArchive)).Out);

        foreach (var name in new[] { "localhost:5000/from/skopeo:1", "skopeo/oci:2" })
        {
            var layers = (await _img.OkAsync("inspect", "-f", "{{json .RootFS.Layers}}", name)).Out.Trim();
            Assert.Equal($"[\"{image.DiffId}\"]", layers);
        }
        // skopeo's OCI copy keeps img's gzip blob; its docker-archive has the uncompressed layer (digest = diffID).
        var du = (await _img.OkAsync("du")).Out;
        Assert.Matches($@"{image.LayerDigest}\s+false\s+\S+\s+layer of busybox:1, skopeo/oci:2\n", du);
        Assert.Matches($@"{image.DiffId}\s+false\s+\S+\s+layer of localhost:5000/from/skopeo:1\n", du);
        var unpacked = _img.PathOf("rootfs");
        await _img.OkAsync("unpack", "localhost:5000/from/skopeo:1", unpacked);
        Assert.True(File.Exists(Path.Combine(unpacked, "bin", "busybox")));
    }

    [ToolFact("umoci")]
    public async Task Umoci_unpacks_the_oci_layout()
    {
        await ImportAsync();
        var archive = _img.PathOf("bb-oci.tar");
        await _img.OkAsync("save", "--format=oci", "-o", archive, "busybox:1");
        var layout = _img.PathOf("layout");
        Directory.CreateDirectory(layout);
        await System.Formats.Tar.TarFile.ExtractToDirectoryAsync(archive, layout, overwriteFiles: false);
        var bundle = _img.PathOf("bundle");

        await ExternalTool.OkAsync("umoci", "unpack", "--rootless", "--image", layout + ":1", bundle);

        Assert.Equal(new FileInfo(BusyboxRootfs.Busybox).Length, new FileInfo(Path.Combine(bundle, "rootfs", "bin", "busybox")).Length);
        Assert.Equal("busybox", new FileInfo(Path.Combine(bundle, "rootfs", "bin", "sh")).LinkTarget);
        var config = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(bundle, "config.json"))).RootElement;
        Assert.Equal("/bin/sh", config.GetProperty("process").GetProperty("args")[0].GetString());
    }

    [ToolFact("podman")]
    public async Task Podman_loads_the_docker_archive()
    {
        var image = await ImportAsync();
        var archive = _img.PathOf("bb.tar");
        await _img.OkAsync("save", "-o", archive, "busybox:1");
        string[] storage = ["--root", _img.PathOf("podman-root"), "--runroot", _img.PathOf("podman-run"), "--storage-driver", "vfs"];

        var load = await ExternalTool.OkAsync("podman", [.. storage, "load", "-i", archive]);
        // podman reads the OCI index first (docker.io/library/busybox:1 from io.containerd.image.name);
        // an archive with several images falls back to manifest.json (localhost/busybox:1).
        Assert.Matches("Loaded image: (docker.io/library|localhost)/busybox:1", load.Out + load.Error);

        var images = await ExternalTool.OkAsync("podman", [.. storage, "images", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"]);
        Assert.Matches($"{image.Id[7..]} (docker.io/library|localhost)/busybox:1", images.Out);
    }
}
