using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Img.Cli.Commands.Build;
using Img.Cli.Tests.Images;
using Img.Engine.Tests.Fixtures;
using Img.Engine.Worker.Export.Annotations;

namespace Img.Cli.Tests.Build;

/// <summary>
/// <c>--annotation</c> and the outputs' <c>annotation.*</c> attributes, as buildx reads them and
/// BuildKit's image exporter applies them: into the manifests and the index, onto their
/// descriptors (the store's image, an OCI archive's <c>index.json</c>, <c>--metadata-file</c>), in
/// the digests a registry serves; and the errors a user can cause, in buildx's words.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class AnnotationTests(RegistryFixture registries) : IDisposable
{
    private const string Dockerfile = "FROM scratch\nCOPY a.txt /\n";
    private readonly ImagesRunner _img = new();

    public void Dispose() => _img.Dispose();

    [Fact]
    public void Flags_parse_as_buildx_reads_them()
    {
        var parsed = AnnotationSpec.ParseFlags(["a=b", "com.example=c=d", "manifest-descriptor:k=v", "index,manifest[linux/arm64]:both=1", ""]);
        Assert.Equal(
            ["manifest:a=b", "manifest:com.example=c=d", "manifest-descriptor:k=v", "index:both=1", "manifest[linux/arm64]:both=1"],
            parsed.Select(p => $"{p.Key}={p.Value}"));
    }

    [Theory]
    [InlineData("novalue", "parse annotations: invalid annotation \"novalue\", expected key=value")]
    [InlineData("bad:k=v", "parse annotations: unknown annotation type \"bad\"")]
    [InlineData("Manifest:k=v", "parse annotations: invalid annotation type \"Manifest\", expected type and optional platform in square brackets")]
    [InlineData("org.example:k=v", "parse annotations: invalid annotation type \"org.example\", expected type and optional platform in square brackets")]
    public void Bad_flags_fail_with_buildx_words(string value, string error)
    {
        var e = Assert.Throws<UserFacingException>(() => AnnotationSpec.ParseFlags([value]));
        Assert.Equal(error, e.Message);
    }

    [Fact]
    public void Exporter_attributes_parse_as_BuildKit_reads_them_and_leave_other_attributes()
    {
        var parsed = AnnotationSpec.ParseAttributes(new Dictionary<string, string>
        {
            ["annotation.a"] = "1",
            ["annotation-index.b"] = "2",
            ["annotation-manifest-descriptor[linux/arm64].c"] = "3",
            ["annotation[linux/amd64].d"] = "4",
            ["compression"] = "zstd",
            ["annotations.e"] = "not one",
        });
        Assert.Equal(["index:b=2", "manifest-descriptor[linux/arm64]:c=3", "manifest:a=1", "manifest[linux/amd64]:d=4"],
            parsed.Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal));
        var e = Assert.Throws<UserFacingException>(() => AnnotationSpec.ParseAttributes(new Dictionary<string, string> { ["annotation-foo.k"] = "v" }));
        Assert.Equal("failed to build: failed to solve: unrecognized annotation type foo", e.Message);
    }

    [Fact]
    public async Task One_platform_annotates_the_manifest_and_its_descriptor_everywhere_it_is_shown()
    {
        var context = _img.WriteContext(Dockerfile);
        await _img.OkAsync("build", "-q", "-t", "plain", context);
        var plain = await DescriptorAsync("plain");
        var metadata = _img.PathOf("metadata.json");
        var tar = _img.PathOf("app.tar");
        await _img.OkAsync("build", "-q", "-t", "app:1", "--metadata-file", metadata,
            "--annotation", "org.opencontainers.image.title=App", "--annotation", "manifest-descriptor:org.example.desc=D",
            "-o", "type=image", "-o", $"type=oci,dest={tar}", context);

        // the manifest carries the annotation, so its digest is another; the config (the image id) is the same
        var annotated = await DescriptorAsync("app:1");
        Assert.NotEqual(plain.GetProperty("digest").GetString(), annotated.GetProperty("digest").GetString());
        Assert.Equal("D", annotated.GetProperty("annotations").GetProperty("org.example.desc").GetString());
        Assert.Equal((await _img.OkAsync("inspect", "-f", "{{.Id}}", "plain")).Out, (await _img.OkAsync("inspect", "-f", "{{.Id}}", "app:1")).Out);

        var files = ReadTar(tar);
        using var layout = JsonDocument.Parse(files["index.json"]);
        var entry = layout.RootElement.GetProperty("manifests")[0];
        Assert.Equal(annotated.GetProperty("digest").GetString(), entry.GetProperty("digest").GetString());
        Assert.Equal("D", entry.GetProperty("annotations").GetProperty("org.example.desc").GetString());
        Assert.Equal("1", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        var manifest = Blob(files, entry);
        Assert.EndsWith("\n   ],\n   \"annotations\": {\n      \"org.opencontainers.image.title\": \"App\"\n   }\n}", manifest);

        using var meta = JsonDocument.Parse(await File.ReadAllTextAsync(metadata));
        Assert.Equal(annotated.GetProperty("digest").GetString(), meta.RootElement.GetProperty("containerimage.digest").GetString());
        var metaAnnotations = meta.RootElement.GetProperty("containerimage.descriptor").GetProperty("annotations");
        Assert.Equal(["config.digest", "org.example.desc"], metaAnnotations.EnumerateObject().Select(p => p.Name).Take(2));
    }

    [Fact]
    public async Task Several_platforms_annotate_the_index_its_entries_and_each_platforms_manifest()
    {
        var context = _img.WriteContext(Dockerfile);
        var tar = _img.PathOf("multi.tar");
        var metadata = _img.PathOf("multi.json");
        await _img.OkAsync("build", "-q", "--platform", "linux/amd64,linux/arm64", "-t", "multi", "--metadata-file", metadata,
            "--annotation", "index:org.example.index=I", "--annotation", "index-descriptor:org.example.outer=O",
            "--annotation", "m=all", "--annotation", "manifest[linux/arm64]:m=arm",
            "--annotation", "manifest-descriptor[linux/amd64]:org.example.entry=E",
            "-o", "type=image", "-o", $"type=oci,dest={tar}", context);

        var files = ReadTar(tar);
        using var layout = JsonDocument.Parse(files["index.json"]);
        var outer = layout.RootElement.GetProperty("manifests")[0];
        Assert.Equal("O", outer.GetProperty("annotations").GetProperty("org.example.outer").GetString());
        using var index = JsonDocument.Parse(Blob(files, outer));
        Assert.Equal("I", index.RootElement.GetProperty("annotations").GetProperty("org.example.index").GetString());
        var entries = index.RootElement.GetProperty("manifests").EnumerateArray().ToArray();
        Assert.Equal("E", entries[0].GetProperty("annotations").GetProperty("org.example.entry").GetString());
        Assert.False(entries[1].TryGetProperty("annotations", out _));
        using var amd64 = JsonDocument.Parse(Blob(files, entries[0]));
        using var arm64 = JsonDocument.Parse(Blob(files, entries[1]));
        Assert.Equal("all", amd64.RootElement.GetProperty("annotations").GetProperty("m").GetString());
        Assert.Equal("arm", arm64.RootElement.GetProperty("annotations").GetProperty("m").GetString());

        // the store names the same index, with its descriptor's annotation (img inspect shows it)
        var stored = await DescriptorAsync("multi");
        Assert.Equal(outer.GetProperty("digest").GetString(), stored.GetProperty("digest").GetString());
        Assert.Equal("O", stored.GetProperty("annotations").GetProperty("org.example.outer").GetString());
        using var meta = JsonDocument.Parse(await File.ReadAllTextAsync(metadata));
        var described = meta.RootElement.GetProperty("containerimage.descriptor");
        Assert.Equal(outer.GetProperty("digest").GetString(), described.GetProperty("digest").GetString());
        Assert.Equal("O", described.GetProperty("annotations").GetProperty("org.example.outer").GetString());
    }

    [Fact]
    public async Task A_pushed_index_is_the_annotated_one()
    {
        var name = $"{registries.Anonymous.Host}/annotations/{Guid.NewGuid():N}"[..60] + ":1";
        var context = _img.WriteContext(Dockerfile);
        var iid = _img.PathOf("iid");
        await _img.OkAsync("build", "-q", "--platform", "linux/amd64,linux/arm64", "-t", name, "--push", "--iidfile", iid,
            "--annotation", "index:org.example.index=I", "--annotation", "manifest:m=all", context);

        var slash = name.IndexOf('/');
        var colon = name.LastIndexOf(':');
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{name[..slash]}/v2/{name[(slash + 1)..colon]}/manifests/1");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.index.v1+json");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllTextAsync(iid), "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        using var index = JsonDocument.Parse(bytes);
        Assert.Equal("I", index.RootElement.GetProperty("annotations").GetProperty("org.example.index").GetString());
    }

    [Fact]
    public async Task Output_attributes_annotate_and_the_flag_replaces_the_same_one()
    {
        var context = _img.WriteContext(Dockerfile);
        var tar = _img.PathOf("attr.tar");
        await _img.OkAsync("build", "-q", "--annotation", "b=flag", "-o", $"type=oci,dest={tar},annotation.a=attr,annotation.b=attr", context);
        var files = ReadTar(tar);
        using var layout = JsonDocument.Parse(files["index.json"]);
        using var manifest = JsonDocument.Parse(Blob(files, layout.RootElement.GetProperty("manifests")[0]));
        var annotations = manifest.RootElement.GetProperty("annotations");
        Assert.Equal("attr", annotations.GetProperty("a").GetString());
        Assert.Equal("flag", annotations.GetProperty("b").GetString());
    }

    [Theory]
    [InlineData(new[] { "--annotation", "index:k=v" }, "ERROR: index annotations not supported for single platform export\n")]
    [InlineData(new[] { "--annotation", "index-descriptor:k=v", "-o", "type=docker,dest=x.tar" }, "ERROR: index annotations not supported for single platform export\n")]
    [InlineData(new[] { "--annotation", "k" }, "ERROR: parse annotations: invalid annotation \"k\", expected key=value\n")]
    [InlineData(new[] { "--platform", "linux/amd64,linux/arm64", "--annotation", "manifest[linux/s390x]:k=v" },
        "ERROR: failed to build: failed to solve: invalid annotation: no platform linux/s390x found in source\n")]
    public async Task Refused_annotations_fail_before_the_build_with_buildx_words(string[] flags, string error)
    {
        var context = _img.WriteContext(Dockerfile);
        var r = await _img.RunAsync(["build", .. flags, context]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(error, r.Error);
    }

    [Fact]
    public async Task Outputs_that_disagree_on_annotations_are_a_flag_error_and_local_outputs_take_none()
    {
        var context = _img.WriteContext(Dockerfile);
        var r = await _img.RunAsync("build", "-o", $"type=oci,dest={_img.PathOf("a.tar")},annotation.k=1", "-o", $"type=image,annotation.k=2", context);
        Assert.Equal(125, r.ExitCode);
        Assert.Contains("conflicting annotations in \"-o, --output\" values: every output of a build shares one image", r.Error);

        // a directory has no manifest: an index annotation does not stop it
        await _img.OkAsync("build", "--annotation", "index:k=v", "-o", $"type=local,dest={_img.PathOf("files")}", context);
        Assert.True(File.Exists(_img.PathOf("files/a.txt")));
    }

    [Fact]
    public async Task A_platform_annotation_of_a_one_platform_build_is_left_out_with_a_warning_as_BuildKit_leaves_it_out()
    {
        var context = _img.WriteContext(Dockerfile);
        await _img.OkAsync("build", "-q", "-t", "plain", context);
        var r = await _img.OkAsync("build", "-q", "-t", "app", "--annotation", "manifest[linux/amd64]:k=v", context);
        Assert.Contains("WARNING: annotation manifest[linux/amd64]:k is not applied", r.Error);
        Assert.Equal((await DescriptorAsync("plain")).GetProperty("digest").GetString(), (await DescriptorAsync("app")).GetProperty("digest").GetString());
    }

    [Fact]
    public void For_a_platform_its_own_manifest_annotation_wins_over_the_unlimited_one_and_index_ones_always_apply()
    {
        var set = new AnnotationSet(AnnotationSpec.ParseFlags(["manifest[linux/arm64]:k=arm", "k=all", "index:i=1"]));
        Assert.Equal("arm", set.For(Engine.Platforms.PlatformSpec.Parse("linux/arm64")).Manifest["k"]);
        Assert.Equal("all", set.For(Engine.Platforms.PlatformSpec.Parse("linux/amd64")).Manifest["k"]);
        Assert.Equal("all", set.For(null).Manifest["k"]);
        Assert.Equal("1", set.For(null).Index["i"]);
    }

    private async Task<JsonElement> DescriptorAsync(string image)
    {
        var r = await _img.OkAsync("inspect", "-f", "{{json .Descriptor}}", image);
        using var doc = JsonDocument.Parse(r.Out);
        return doc.RootElement.Clone();
    }

    private static string Blob(Dictionary<string, byte[]> files, JsonElement descriptor) =>
        Encoding.UTF8.GetString(files["blobs/sha256/" + descriptor.GetProperty("digest").GetString()!["sha256:".Length..]]);

    private static Dictionary<string, byte[]> ReadTar(string path)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var stream = File.OpenRead(path);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null)
                continue;
            using var memory = new MemoryStream();
            entry.DataStream.CopyTo(memory);
            files[entry.Name.TrimStart('.', '/')] = memory.ToArray();
        }
        return files;
    }
}
