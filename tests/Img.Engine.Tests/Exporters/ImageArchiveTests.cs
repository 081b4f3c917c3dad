using System.Formats.Tar;
using System.Text.Json;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Exporters;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.Tests.Archive;
using Xunit;

namespace Img.Engine.Tests.Exporters;

public sealed class ImageArchiveTests : IDisposable
{
    private readonly ArchiveTestStore _source = new();
    private readonly ArchiveTestStore _target = new();

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
    }

    private static byte[] RootFs() => new TarBuilder().Dir("bin").File("bin/hello", "#!/bin/sh\necho hi\n").Symlink("bin/hi", "hello").Build();

    private async Task<byte[]> SaveAsync(ArchiveFormat format, params string[] names)
    {
        var images = new List<ArchiveImage>();
        foreach (var name in names)
        {
            var image = await _source.Images.GetAsync(name) ?? throw new InvalidOperationException(name);
            var resolved = await ImageResolver.ResolveAsync(_source.Content, image);
            images.Add(new ArchiveImage(resolved, [ImageReference.Parse(name)]));
        }
        var output = new MemoryStream();
        await ImageArchiveWriter.WriteAsync(_source.Content, images, output, format, CancellationToken.None);
        return output.ToArray();
    }

    private static async Task<Dictionary<string, byte[]>> EntriesAsync(byte[] tar)
    {
        var result = new Dictionary<string, byte[]>();
        await using var reader = new TarReader(new MemoryStream(tar));
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            var data = new MemoryStream();
            if (entry.DataStream is { } s) await s.CopyToAsync(data);
            result[entry.Name] = data.ToArray();
        }
        return result;
    }

    /// <summary>A tar of the given files, in order (hostile names allowed).</summary>
    private static byte[] Tar(IEnumerable<(string Name, byte[] Data)> files)
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, data) in files)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
        return output.ToArray();
    }

    [Fact]
    public async Task Docker_archive_has_manifest_json_repositories_and_an_oci_layout_with_the_stored_blobs()
    {
        var image = await _source.ImportAsync("docker.io/library/app:1", RootFs());
        var resolved = await ImageResolver.ResolveAsync(_source.Content, image);
        var entries = await EntriesAsync(await SaveAsync(ArchiveFormat.Docker, "docker.io/library/app:1"));

        var items = JsonSerializer.Deserialize<List<DockerManifestItem>>(entries["manifest.json"])!;
        var item = Assert.Single(items);
        Assert.Equal(["app:1"], item.RepoTags);
        Assert.Equal(OciLayout.BlobPath(resolved.Id), item.Config);
        Assert.Equal([OciLayout.BlobPath(Digest.Parse(resolved.Manifest.Layers[0].Digest))], item.Layers);
        Assert.Contains("\"app\":{\"1\":", System.Text.Encoding.UTF8.GetString(entries["repositories"]));
        Assert.Equal(OciLayout.LayoutContent, System.Text.Encoding.UTF8.GetString(entries["oci-layout"]));

        var index = JsonSerializer.Deserialize<ImageIndex>(entries["index.json"])!;
        var entry = Assert.Single(index.Manifests);
        Assert.Equal(image.Target.Digest, entry.Digest);
        Assert.Equal("1", entry.Annotations![OciLayout.RefNameAnnotation]);
        Assert.Equal("docker.io/library/app:1", entry.Annotations[OciLayout.ImageNameAnnotation]);
        foreach (var (name, bytes) in entries.Where(e => e.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal) && e.Value.Length > 0))
            Assert.Equal(name["blobs/sha256/".Length..], Digest.Compute(bytes).Hex);
    }

    [Fact]
    public async Task Oci_format_has_no_docker_files()
    {
        await _source.ImportAsync("docker.io/library/app:1", RootFs());
        var entries = await EntriesAsync(await SaveAsync(ArchiveFormat.Oci, "docker.io/library/app:1"));
        Assert.DoesNotContain("manifest.json", entries.Keys);
        Assert.DoesNotContain("repositories", entries.Keys);
        Assert.Contains("index.json", entries.Keys);
    }

    [Theory]
    [InlineData(ArchiveFormat.Docker)]
    [InlineData(ArchiveFormat.Oci)]
    public async Task Save_then_load_keeps_manifest_config_and_layer_digests(ArchiveFormat format)
    {
        var image = await _source.ImportAsync("localhost:5000/app:v1", RootFs());
        var tar = await SaveAsync(format, "localhost:5000/app:v1");

        var loaded = await ImageArchiveReader.LoadAsync(_target.Content, new MemoryStream(tar), _target.Temp);

        var one = Assert.Single(loaded);
        Assert.Equal("localhost:5000/app:v1", one.Name!.ToString());
        Assert.Equal(image.Target.Digest, one.Target.Digest);
        var copy = await ImageResolver.ResolveAsync(_target.Content, new Image { Name = "localhost:5000/app:v1", Target = one.Target });
        var original = await ImageResolver.ResolveAsync(_source.Content, image);
        Assert.Equal(original.Id, copy.Id);
        Assert.Equal(original.Manifest.Layers.Select(l => l.Digest), copy.Manifest.Layers.Select(l => l.Digest));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_target.Temp));
    }

    [Fact]
    public async Task Loads_a_legacy_docker_archive_with_uncompressed_layers_and_symlinks()
    {
        var layer = RootFs();
        var diffId = Digest.Compute(layer);
        var config = ImageJson.Serialize(new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [diffId.ToString()] } });
        var configDigest = Digest.Compute(config);
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, diffId.Hex + ".tar") { DataStream = new MemoryStream(layer) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, configDigest.Hex + ".json") { DataStream = new MemoryStream(config) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "abc/"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "abc/layer.tar") { LinkName = "../" + diffId.Hex + ".tar" });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json")
            {
                DataStream = new MemoryStream(ArchiveTestStore.Utf8($"[{{\"Config\":\"{configDigest.Hex}.json\",\"RepoTags\":[\"legacy:1\"],\"Layers\":[\"abc/layer.tar\"]}}]")),
            });
        }
        var tar = output.ToArray();

        var loaded = Assert.Single(await ImageArchiveReader.LoadAsync(_target.Content, new MemoryStream(tar), _target.Temp));

        Assert.Equal("docker.io/library/legacy:1", loaded.Name!.ToString());
        Assert.Equal(configDigest, loaded.Id);
        var manifest = await _target.Content.ReadJsonAsync<ImageManifest>(loaded.Target);
        var stored = Assert.Single(manifest.Layers);
        Assert.Equal(diffId.ToString(), stored.Digest);
        Assert.Equal(MediaTypes.OciLayer, stored.MediaType);
    }

    [Fact]
    public async Task Refuses_a_tar_slip_entry_and_stores_nothing()
    {
        await _source.ImportAsync("docker.io/library/app:1", RootFs());
        var good = await EntriesAsync(await SaveAsync(ArchiveFormat.Docker, "docker.io/library/app:1"));
        var tar = Tar(good.Where(e => e.Value.Length > 0).Select(e => (e.Key, e.Value)).Append(("../../evil", ArchiveTestStore.Utf8("pwned"))));

        var e = await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => ImageArchiveReader.LoadAsync(_target.Content, new MemoryStream(tar), _target.Temp).AsTask());

        Assert.Contains("../../evil", e.Message);
        Assert.Equal(0, await _target.BlobCountAsync());
        Assert.False(File.Exists(Path.Combine(_target.Root, "..", "evil")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_target.Temp));
    }

    [Fact]
    public async Task Refuses_a_truncated_archive_and_stores_nothing()
    {
        await _source.ImportAsync("docker.io/library/app:1", RootFs());
        var tar = await SaveAsync(ArchiveFormat.Docker, "docker.io/library/app:1");
        var truncated = tar[..(tar.Length / 2 + 100)];

        await Assert.ThrowsAsync<ArchiveFormatException>(() => ImageArchiveReader.LoadAsync(_target.Content, new MemoryStream(truncated), _target.Temp).AsTask());

        Assert.Equal(0, await _target.BlobCountAsync());
    }

    [Fact]
    public async Task Refuses_a_blob_whose_content_does_not_match_its_name()
    {
        var image = await _source.ImportAsync("docker.io/library/app:1", RootFs());
        var resolved = await ImageResolver.ResolveAsync(_source.Content, image);
        var entries = await EntriesAsync(await SaveAsync(ArchiveFormat.Oci, "docker.io/library/app:1"));
        var layerPath = OciLayout.BlobPath(Digest.Parse(resolved.Manifest.Layers[0].Digest));
        var tampered = Tar(entries.Where(e => e.Value.Length > 0).Select(e =>
            (e.Key, e.Key == layerPath ? e.Value.Select((b, i) => i == e.Value.Length - 1 ? (byte)(b ^ 1) : b).ToArray() : e.Value)));

        var e = await Assert.ThrowsAsync<ArchiveFormatException>(() => ImageArchiveReader.LoadAsync(_target.Content, new MemoryStream(tampered), _target.Temp).AsTask());

        Assert.Contains("corrupt", e.Message);
        Assert.Equal(0, await _target.BlobCountAsync());
    }

    [Fact]
    public async Task Refuses_a_tar_that_is_not_an_image_archive()
    {
        var tar = new TarBuilder().File("hello.txt", "hi").Build();
        var e = await Assert.ThrowsAsync<ArchiveFormatException>(() => ImageArchiveReader.LoadAsync(_target.Content, new MemoryStream(tar), _target.Temp).AsTask());
        Assert.Contains("neither manifest.json", e.Message);
    }

    [Fact]
    public async Task Unpack_applies_whiteouts_and_opaque_directories()
    {
        var lower = new TarBuilder().File("a", "a").Dir("d").File("d/old", "x").File("keep", "k").Build();
        var upper = new TarBuilder().File(".wh.a", "").Dir("d").File("d/.wh..wh..opq", "").File("d/new", "n").Build();
        var image = await _source.LayeredAsync("docker.io/library/layered:1", lower, upper);
        var resolved = await ImageResolver.ResolveAsync(_source.Content, image);
        var root = Path.Combine(_source.Root, "rootfs");

        await ImageUnpacker.UnpackAsync(_source.Content, resolved, root);

        Assert.False(File.Exists(Path.Combine(root, "a")));
        Assert.False(File.Exists(Path.Combine(root, "d", "old")));
        Assert.True(File.Exists(Path.Combine(root, "d", "new")));
        Assert.True(File.Exists(Path.Combine(root, "keep")));
        Assert.False(File.Exists(Path.Combine(root, ".wh.a")));
    }

    [Fact]
    public async Task Import_makes_a_gzip_layer_whose_diff_id_is_the_tar_digest()
    {
        var tar = RootFs();
        var result = await ImageImporter.ImportAsync(_source.Content, new MemoryStream(tar), _source.Temp,
            new ImportOptions { Message = "hello", Config = new ContainerConfig { Cmd = ["/bin/sh"] } });

        Assert.Equal(Digest.Compute(tar), result.DiffId);
        Assert.Equal(MediaTypes.OciLayerGzip, result.Layer.MediaType);
        var manifest = await _source.Content.ReadJsonAsync<ImageManifest>(result.Manifest);
        var config = await _source.Content.ReadJsonAsync<ImageConfig>(manifest.Config);
        Assert.Equal([result.DiffId.ToString()], config.RootFs.DiffIds);
        Assert.Equal(HostPlatform.Current.Architecture, config.Architecture);
        Assert.Equal("hello", Assert.Single(config.History!).Comment);
        Assert.Equal(["/bin/sh"], config.Config.Cmd);
    }

    [Fact]
    public async Task Import_refuses_a_truncated_tarball_and_stores_nothing()
    {
        var tar = RootFs();
        await Assert.ThrowsAsync<InvalidDataException>(() =>
            ImageImporter.ImportAsync(_source.Content, new MemoryStream(tar[..700]), _source.Temp, new ImportOptions()).AsTask());
        Assert.Equal(0, await _source.BlobCountAsync());
    }
}
