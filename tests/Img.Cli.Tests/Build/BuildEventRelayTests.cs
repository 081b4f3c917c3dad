using Img.Cli.Commands.Build;
using Img.Cli.Progress;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Messages.Builds;
using Img.Messages.Builds.Events;

namespace Img.Cli.Tests.Build;

/// <summary>
/// Vertices BuildKit never shows CACHED: the build context transfer and the exporter; base
/// images say what they resolved; a base image's metadata loads once.
/// </summary>
public sealed class BuildEventRelayTests
{
    private static readonly BuildId Build = BuildId.New();

    private static (BuildGraph Graph, BuildVertex Image, BuildVertex Context) Graph()
    {
        var builder = new BuildGraphBuilder();
        var image = builder.Add(new SourceOp(SourceKind.Image, "docker.io/library/busybox:latest@sha256:" + new string('1', 64)), new OpMetadata("[1/2] FROM docker.io/library/busybox:latest"));
        var context = builder.Add(new SourceOp(SourceKind.Local, "context"), OpMetadata.Internal("[internal] load build context"));
        var copy = builder.Add(new MergeOp([image, context]), new OpMetadata("[2/2] COPY a.txt /"));
        var export = builder.Add(new ImageConfigOp(copy, new ImageConfig()), OpMetadata.Internal("exporting to image"));
        var graph = builder.Build(export.Digest);
        return (graph, graph[image.Digest], graph[context.Digest]);
    }

    [Fact]
    public void A_cached_build_still_transfers_the_context_and_runs_the_exporter()
    {
        var (graph, image, context) = Graph();
        var output = new StringWriter();
        var display = new PlainProgressWriter(output);
        var relay = new BuildEventRelay(display, graph, "context", () => 2340);

        foreach (var v in graph.Vertices)
            relay.Relay(new VertexCached(Build, v.Digest, v.Metadata.Description));
        var exporter = relay.ExportStep;
        exporter.Status("writing image sha256:" + new string('f', 64));
        exporter.Status("naming to docker.io/library/app");
        exporter.Done();
        display.Complete();

        var text = output.ToString();
        Assert.Contains($"#1 [1/2] FROM docker.io/library/busybox:latest\n#1 resolve {((SourceOp)image.Op).Identifier} done\n#1 CACHED\n", text);
        Assert.Contains("#2 [internal] load build context\n#2 transferring context: 2.34kB done\n#2 DONE 0.0s\n", text);
        Assert.Contains("#3 [2/2] COPY a.txt /\n#3 CACHED\n", text);
        Assert.Matches(@"#4 exporting to image\n#4 exporting layers done\n#4 writing image sha256:f{64} done\n#4 naming to docker.io/library/app done\n#4 DONE \d\.\ds\n$", text);
        Assert.DoesNotContain("#2 CACHED", text);
        Assert.DoesNotContain("#4 CACHED", text);
    }

    [Fact]
    public void A_multi_platform_build_shows_one_exporter_for_every_platform()
    {
        var builder = new BuildGraphBuilder();
        var amd64 = builder.Add(new ImageConfigOp(null, new ImageConfig { Architecture = "amd64", Os = "linux" }), OpMetadata.Internal("exporting to image"));
        var arm64 = builder.Add(new ImageConfigOp(null, new ImageConfig { Architecture = "arm64", Os = "linux" }), OpMetadata.Internal("exporting to image"));
        var index = builder.Add(new ImageIndexOp([amd64, arm64], [new Platform { Os = "linux", Architecture = "amd64" }, new Platform { Os = "linux", Architecture = "arm64" }]),
            OpMetadata.Internal("exporting to image"));
        var graph = builder.Build(index.Digest);
        var output = new StringWriter();
        var display = new PlainProgressWriter(output);
        var relay = new BuildEventRelay(display, graph, "context", () => 0);

        foreach (var v in graph.Vertices)
        {
            relay.Relay(new VertexStarted(Build, v.Digest, v.Metadata.Description));
            relay.Relay(new VertexCompleted(Build, v.Digest, v.Metadata.Description, 5));
        }
        relay.ExportStep.Status("exporting manifest list sha256:" + new string('e', 64));
        relay.ExportStep.Done();
        display.Complete();

        var text = output.ToString();
        Assert.Single(text.Split('\n'), l => l.EndsWith(" exporting to image", StringComparison.Ordinal));
        Assert.Matches(@"^#1 exporting to image\n#1 exporting layers( \d+\.\ds)? done\n#1 exporting manifest list sha256:e{64} done\n#1 DONE \d\.\ds\n$", text);
    }

    [Fact]
    public async Task Each_base_image_loads_its_metadata_once()
    {
        var output = new StringWriter();
        var calls = 0;
        var resolver = new MetadataProgressResolver(new CountingResolver(() => calls++), new PlainProgressWriter(output));
        var platform = new Platform { Os = "linux", Architecture = "amd64" };

        await resolver.ResolveAsync("docker.io/library/busybox:latest", platform, CancellationToken.None);
        await resolver.ResolveAsync("docker.io/library/busybox:latest", platform, CancellationToken.None);
        await resolver.ResolveAsync("docker.io/library/alpine:latest", platform, CancellationToken.None);

        Assert.Equal(2, calls);
        Assert.Equal(2, output.ToString().Split('\n').Count(l => l.Contains("load metadata for", StringComparison.Ordinal)));
    }

    private sealed class CountingResolver(Action onCall) : IImageConfigResolver
    {
        public ValueTask<ResolvedImageConfig?> ResolveAsync(string reference, Platform platform, CancellationToken cancellationToken)
        {
            onCall();
            return ValueTask.FromResult<ResolvedImageConfig?>(null);
        }
    }
}
