using System.Text;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Worker.Export;
using Img.Engine.Worker.Sources;
using Xunit;

namespace Img.Engine.Tests.Worker;

/// <summary>Document bytes shaped like BuildKit's, chain IDs like containerd's, committed-snapshot diff mounts.</summary>
public sealed class ImageDocumentsTests
{
    [Fact]
    public void Config_has_sorted_top_level_keys_and_go_html_escaping()
    {
        var config = new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            Config = new ContainerConfig { Cmd = ["sh", "-c", "a > b && c < d"] },
            RootFs = new RootFs { DiffIds = ["sha256:aa"] },
            History = [new HistoryEntry { CreatedBy = "RUN x", EmptyLayer = true }],
        };
        var json = Encoding.UTF8.GetString(ImageDocuments.Config(config));
        Assert.Equal("""{"architecture":"amd64","config":{"Cmd":["sh","-c","a \u003e b \u0026\u0026 c \u003c d"]},"history":[{"created_by":"RUN x","empty_layer":true}],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:aa"]}}""", json);
    }

    [Fact]
    public void Empty_config_fields_are_left_out_as_go_omitempty_does()
    {
        // `CMD []`: BuildKit's config has no "Cmd" at all (every image config field is omitempty).
        var config = new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            Config = new ContainerConfig
            {
                Cmd = [], Entrypoint = [], Env = ["A=1"], Labels = new Dictionary<string, string>(),
                Volumes = new Dictionary<string, EmptyObject>(), WorkingDir = "", User = "", ArgsEscaped = false,
            },
            RootFs = new RootFs { DiffIds = [] },
        };
        var json = Encoding.UTF8.GetString(ImageDocuments.Config(config));
        Assert.Equal("""{"architecture":"amd64","config":{"Env":["A=1"]},"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""", json);
    }

    [Fact]
    public void Manifest_is_indented_by_three_spaces()
    {
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = "sha256:cc", Size = 2 },
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = "sha256:ll", Size = 3 }],
        };
        var expected = "{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n   \"config\": {\n      \"mediaType\": \"application/vnd.oci.image.config.v1+json\",\n      \"digest\": \"sha256:cc\",\n      \"size\": 2\n   },\n   \"layers\": [\n      {\n         \"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\",\n         \"digest\": \"sha256:ll\",\n         \"size\": 3\n      }\n   ]\n}";
        Assert.Equal(expected, Encoding.UTF8.GetString(ImageDocuments.Manifest(manifest)));
    }

    [Fact]
    public void Chain_ids_follow_containerd()
    {
        var a = Digest.Compute("a"u8);
        var b = Digest.Compute("b"u8);
        var chain = ChainId.Of([a, b]);
        Assert.Equal(a, chain[0]);
        Assert.Equal(Digest.Compute(Encoding.ASCII.GetBytes(a + " " + b)), chain[1]);
    }

    [Fact]
    public void Empty_tar_digest_is_the_digest_of_1024_zero_bytes()
    {
        Assert.Equal(EmptyLayers.EmptyTarDiffId, Digest.Compute(new byte[1024]).ToString());
    }

    [Fact]
    public void A_committed_overlay_view_is_read_as_upper_over_its_parents()
    {
        var view = new Mounts.Mount("overlay", "overlay", ["userxattr", "ro", "lowerdir=/s/3/fs:/s/2/fs:/s/1/fs"]);
        var upper = Assert.Single(LayerBlobCache.CommittedUpper([view]));
        Assert.Equal("/s/3/fs", upper.Option("upperdir"));
        Assert.Equal("/s/2/fs:/s/1/fs", upper.Option("lowerdir"));
        var alone = Assert.Single(LayerBlobCache.CommittedUpper([Mounts.Mount.Bind("/s/1/fs", readOnly: true)]));
        Assert.False(alone.IsReadOnly);
    }
}
