using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Img.Engine.Oci;
using Img.Engine.Registry;

namespace Img.Engine.Tests.Fixtures;

/// <summary>
/// A small but real image for registry tests: gzip tar layers with one file each, a config with
/// their diffIDs, and a manifest in OCI or Docker schema 2 media types.
/// </summary>
public sealed class TestImage
{
    private TestImage(TestBlob config, IReadOnlyList<TestBlob> layers, byte[] manifest, string mediaType, Platform platform)
    {
        Config = config;
        Layers = layers;
        Manifest = manifest;
        MediaType = mediaType;
        Platform = platform;
    }

    public TestBlob Config { get; }
    public IReadOnlyList<TestBlob> Layers { get; }
    public byte[] Manifest { get; }
    public string MediaType { get; }
    public Platform Platform { get; }
    public string Digest => TestBlob.DigestOf(Manifest);
    public Descriptor Descriptor => new() { MediaType = MediaType, Digest = Digest, Size = Manifest.LongLength, Platform = Platform };

    public static TestImage Create(bool oci = true, string architecture = "amd64", string? variant = null, int layers = 1, int fileSize = 2048)
    {
        var layerBlobs = new List<TestBlob>();
        var diffIds = new List<string>();
        for (var i = 0; i < layers; i++)
        {
            var payload = new byte[fileSize];
            Random.Shared.NextBytes(payload);
            var tar = new MemoryStream();
            using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"file{i}.bin")
                {
                    DataStream = new MemoryStream(payload),
                    ModificationTime = DateTimeOffset.UnixEpoch,
                };
                writer.WriteEntry(entry);
            }
            diffIds.Add(TestBlob.DigestOf(tar.ToArray()));
            var gz = new MemoryStream();
            using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(tar.ToArray());
            layerBlobs.Add(TestBlob.Of(gz.ToArray(), oci ? MediaTypes.OciLayerGzip : MediaTypes.DockerLayerGzip));
        }
        var platform = new Platform { Os = "linux", Architecture = architecture, Variant = variant };
        var config = new ImageConfig
        {
            Architecture = architecture,
            Os = "linux",
            Variant = variant,
            Created = DateTimeOffset.UnixEpoch,
            Config = new ContainerConfig { Cmd = ["/file0.bin"], Env = ["PATH=/bin"] },
            RootFs = new RootFs { DiffIds = diffIds },
        };
        var configBlob = TestBlob.Of(JsonSerializer.SerializeToUtf8Bytes(config), oci ? MediaTypes.OciConfig : MediaTypes.DockerConfig);
        var mediaType = oci ? MediaTypes.OciManifest : MediaTypes.DockerManifest;
        var manifest = new ImageManifest
        {
            MediaType = mediaType,
            Config = configBlob.Descriptor,
            Layers = layerBlobs.Select(l => l.Descriptor).ToList(),
        };
        return new TestImage(configBlob, layerBlobs, JsonSerializer.SerializeToUtf8Bytes(manifest), mediaType, platform);
    }

    /// <summary>An index (OCI) or manifest list (Docker) over <paramref name="images"/>.</summary>
    public static (byte[] Content, string MediaType) IndexOf(bool oci, params TestImage[] images)
    {
        var mediaType = oci ? MediaTypes.OciIndex : MediaTypes.DockerManifestList;
        var index = new ImageIndex { MediaType = mediaType, Manifests = images.Select(i => i.Descriptor).ToList() };
        return (JsonSerializer.SerializeToUtf8Bytes(index), mediaType);
    }

    /// <summary>Pushes blobs then the manifest under <paramref name="reference"/> (a tag, or null for by-digest only).</summary>
    public async Task PushAsync(RegistryClient client, string repository, string? reference)
    {
        foreach (var blob in Layers.Append(Config))
            await client.PushBlobAsync(repository, blob.Descriptor, blob.Opener);
        await client.PutManifestAsync(repository, reference ?? Digest, Manifest, MediaType);
    }

    public override string ToString() => Encoding.UTF8.GetString(Manifest);
}
