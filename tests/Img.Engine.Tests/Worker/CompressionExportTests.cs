using System.Security.Cryptography;
using Img.Engine.Archive;
using Img.Engine.Content;
using Img.Engine.Diff;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Oci;
using Img.Engine.Worker.Export;
using Xunit;

namespace Img.Engine.Tests.Worker;

/// <summary>
/// Layer compression of the exported image (<c>-o ...,compression=...</c>): the layers a build
/// makes take it, base layers keep theirs unless forced, diffIDs never change, and the result is
/// reproducible.
/// </summary>
public sealed class CompressionExportTests
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Dockerfile = """
        FROM busybox
        COPY data.txt /data/
        RUN gzip -c /bin/busybox > /data/busybox.gz && seq 1 200000 > /data/numbers
        """;

    [Theory]
    [InlineData(LayerCompression.Zstd, MediaTypes.OciLayerZstd)]
    [InlineData(LayerCompression.None, MediaTypes.OciLayer)]
    [InlineData(LayerCompression.Gzip, MediaTypes.OciLayerGzip)]
    public async Task Built_layers_take_the_compression_and_the_base_keeps_its_own(LayerCompression compression, string mediaType)
    {
        using var h = await WorkerHarness.CreateAsync();
        h.WriteContext("data.txt", "data\n");
        var (_, target, _) = await h.BuildAsync(Dockerfile, new ConvertOptions { LayerCompression = new LayerCompressionOptions(compression) });
        var (manifest, config, _) = await h.ReadImageAsync(target.Image!);

        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal([MediaTypes.OciLayerGzip, mediaType, mediaType], manifest.Layers.Select(l => l.MediaType));
        await AssertDiffIdsAsync(h, manifest, config);
        var run = await h.ReadLayerAsync(manifest.Layers[2]);
        Assert.Contains(run, e => e.Name == "data/numbers" && e.Text!.StartsWith("1\n2\n3\n", StringComparison.Ordinal));
        if (compression == LayerCompression.None)
            Assert.All(manifest.Layers.Skip(1).Zip(config.RootFs.DiffIds.Skip(1)), p => Assert.Equal(p.Second, p.First.Digest));
    }

    [Fact]
    public async Task Force_compression_recompresses_the_base_layer_with_the_same_diff_id()
    {
        using var h = await WorkerHarness.CreateAsync();
        h.WriteContext("data.txt", "data\n");
        // The harness runs every step again (no cache): the epoch makes both runs' files identical.
        var (_, plain, _) = await h.BuildAsync(Dockerfile, new ConvertOptions { SourceDateEpoch = Epoch, LayerCompression = new LayerCompressionOptions(LayerCompression.Zstd) });
        var (_, forced, _) = await h.BuildAsync(Dockerfile, new ConvertOptions { SourceDateEpoch = Epoch, LayerCompression = new LayerCompressionOptions(LayerCompression.Zstd, Force: true) });
        var (plainManifest, plainConfig, _) = await h.ReadImageAsync(plain.Image!);
        var (forcedManifest, forcedConfig, _) = await h.ReadImageAsync(forced.Image!);

        Assert.Equal(MediaTypes.OciLayerGzip, plainManifest.Layers[0].MediaType);
        Assert.All(forcedManifest.Layers, l => Assert.Equal(MediaTypes.OciLayerZstd, l.MediaType));
        Assert.Equal(plainConfig.RootFs.DiffIds, forcedConfig.RootFs.DiffIds);
        Assert.Equal(plainManifest.Layers.Skip(1).Select(l => l.Digest), forcedManifest.Layers.Skip(1).Select(l => l.Digest));
        await AssertDiffIdsAsync(h, forcedManifest, forcedConfig);
    }

    [Fact]
    public async Task Gzip_and_zstd_exports_of_one_build_are_two_images_with_one_set_of_diff_ids()
    {
        using var h = await WorkerHarness.CreateAsync();
        h.WriteContext("data.txt", "data\n");
        // The harness runs every step again (no cache): the epoch makes both runs' files identical.
        var (_, gzip, _) = await h.BuildAsync(Dockerfile, new ConvertOptions { SourceDateEpoch = Epoch });
        var (_, zstd, _) = await h.BuildAsync(Dockerfile, new ConvertOptions { SourceDateEpoch = Epoch, LayerCompression = new LayerCompressionOptions(LayerCompression.Zstd, 19) });
        Assert.NotEqual(gzip.Image!.Digest, zstd.Image!.Digest);
        var (_, gzipConfig, _) = await h.ReadImageAsync(gzip.Image);
        var (zstdManifest, zstdConfig, _) = await h.ReadImageAsync(zstd.Image);
        Assert.Equal(gzipConfig.RootFs.DiffIds, zstdConfig.RootFs.DiffIds);
        Assert.Equal(MediaTypes.OciLayerZstd, zstdManifest.Layers[^1].MediaType);
    }

    [Theory]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.Gzip)]
    public async Task Two_fresh_builds_with_source_date_epoch_give_byte_identical_images(LayerCompression compression)
    {
        var manifests = new List<string>();
        foreach (int parallelism in new[] { 1, 3 })
        {
            // Different compression thread counts must not change a byte.
            using var h = await WorkerHarness.CreateAsync(export: new ImageExportOptions { CompressionParallelism = parallelism });
            h.WriteContext("data.txt", "data\n");
            var (_, target, _) = await h.BuildAsync("""
                FROM busybox
                COPY data.txt /data/
                RUN head -c 3000000 /bin/busybox > /data/part && seq 1 300000 > /data/numbers && head -c 2500000 /dev/zero > /data/zeros
                """, new ConvertOptions { SourceDateEpoch = Epoch, LayerCompression = new LayerCompressionOptions(compression) });
            manifests.Add(target.Image!.Digest);
        }
        Assert.Equal(manifests[0], manifests[1]);
    }

    [Theory]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.None)]
    public async Task A_run_that_changes_nothing_keeps_its_layer_whatever_the_compression(LayerCompression compression)
    {
        using var h = await WorkerHarness.CreateAsync();
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox
            RUN true
            RUN echo x > /x
            """, new ConvertOptions { LayerCompression = new LayerCompressionOptions(compression) });
        var (manifest, config, _) = await h.ReadImageAsync(target.Image!);
        Assert.Equal(3, manifest.Layers.Count);
        Assert.Contains(("RUN /bin/sh -c true # buildkit", false), config.History!.Select(e => (e.CreatedBy, e.EmptyLayer)));
    }

    /// <summary>Every layer decompresses to the diffID its config lists.</summary>
    private static async Task AssertDiffIdsAsync(WorkerHarness h, ImageManifest manifest, ImageConfig config)
    {
        Assert.Equal(manifest.Layers.Count, config.RootFs.DiffIds.Count);
        for (int i = 0; i < manifest.Layers.Count; i++)
        {
            await using var reader = await h.Content.OpenAsync(manifest.Layers[i]);
            await using var tar = await Compression.OpenDecompressedAsync(reader.Stream, leaveOpen: false, CancellationToken.None);
            using var sha = SHA256.Create();
            var diffId = "sha256:" + Convert.ToHexStringLower(await sha.ComputeHashAsync(tar));
            Assert.Equal(config.RootFs.DiffIds[i], diffId);
        }
    }
}
