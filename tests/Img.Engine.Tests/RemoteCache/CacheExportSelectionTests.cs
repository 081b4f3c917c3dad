using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Xunit;

namespace Img.Engine.Tests.RemoteCache;

/// <summary>Which results mode=min and mode=max export, and how a build's covered results are looked up first.</summary>
public sealed class CacheExportSelectionTests
{
    /// <summary>
    /// builder: FROM alpine, RUN make; final: FROM busybox, COPY --from=builder, COPY --link ctx (merge), RUN test; export.
    /// </summary>
    private sealed record TwoStages(BuildGraph Graph, OpDigest Context, OpDigest Alpine, OpDigest Make, OpDigest Busybox, OpDigest CopyFrom,
        OpDigest LinkCopy, OpDigest Merge, OpDigest Test, OpDigest Export);

    private static TwoStages Make()
    {
        var b = new BuildGraphBuilder();
        OpMetadata M(string d) => new(d);
        var context = b.Add(new SourceOp(SourceKind.Local, "context"), M("context"));
        var alpine = b.Add(new SourceOp(SourceKind.Image, "alpine@sha256:1111"), M("FROM alpine"));
        var make = b.Add(new ExecOp(alpine, ["make"], [], "/", ""), M("RUN make"));
        var busybox = b.Add(new SourceOp(SourceKind.Image, "busybox@sha256:2222"), M("FROM busybox"));
        var copyFrom = b.Add(new FileOp(busybox, [new FileCopyAction(make, "/out", "/out")]), M("COPY --from=builder"));
        var linkCopy = b.Add(new FileOp(null, [new FileCopyAction(context, "/src", "/src")]), M("COPY --link"));
        var merge = b.Add(new MergeOp([copyFrom, linkCopy]), M("merge"));
        var test = b.Add(new ExecOp(merge, ["test"], [], "/", ""), M("RUN test"));
        var export = b.Add(new ImageConfigOp(test, new ImageConfig()), M("export"));
        return new TwoStages(b.Build(export.Digest), context.Digest, alpine.Digest, make.Digest, busybox.Digest, copyFrom.Digest,
            linkCopy.Digest, merge.Digest, test.Digest, export.Digest);
    }

    /// <summary>The vertices in the graph's (topological) order.</summary>
    private static OpDigest[] InGraphOrder(TwoStages g, params OpDigest[] vertices) =>
        g.Graph.Vertices.Select(v => v.Digest).Where(vertices.Contains).ToArray();

    [Fact]
    public void Min_exports_the_final_images_layers_down_to_its_base_and_not_the_stages_it_only_copies_from()
    {
        var g = Make();
        var selected = CacheExportSelection.Select(g.Graph, CacheExportMode.Min).Select(v => v.Digest).ToArray();
        Assert.Equal(InGraphOrder(g, g.Busybox, g.CopyFrom, g.LinkCopy, g.Merge, g.Test, g.Export), selected);
    }

    [Fact]
    public void Max_exports_every_step_of_every_stage_but_never_the_build_context()
    {
        var g = Make();
        var selected = CacheExportSelection.Select(g.Graph, CacheExportMode.Max).Select(v => v.Digest).ToArray();
        Assert.Equal(InGraphOrder(g, g.Alpine, g.Make, g.Busybox, g.CopyFrom, g.LinkCopy, g.Merge, g.Test, g.Export), selected);
        Assert.Empty(CacheExportSelection.Select(g.Graph, CacheExportMode.None));
    }

    private static IReadOnlyDictionary<OpDigest, CacheKey> Keys(BuildGraph graph) =>
        graph.Vertices.ToDictionary(v => v.Digest, v => new CacheKey("sha256:" + v.Digest.Value[^64..]));

    [Fact]
    public void Results_the_build_settled_without_having_them_are_looked_up_once_and_missing_ones_left_out()
    {
        var g = Make();
        var keys = Keys(g.Graph);
        // the final stage came from the cache: the export hit, everything below it is covered
        var results = new Dictionary<OpDigest, CacheResult>
        {
            [g.Export] = new("", Image: new Descriptor { MediaType = MediaTypes.OciManifest, Digest = "sha256:" + new string('e', 64), Size = 9 }),
            [g.Context] = new("local:context"),
        };
        var collector = new CacheRecordCollector(g.Graph, keys, CacheExportMode.Max, v => results.GetValueOrDefault(v));
        Assert.False(collector.IsComplete);
        Assert.Equal(new[] { g.Alpine, g.Make, g.Busybox, g.CopyFrom, g.LinkCopy, g.Merge, g.Test }.Select(v => keys[v]).ToHashSet(), collector.Missing.ToHashSet());
        foreach (var v in new[] { g.Alpine, g.Make, g.Busybox, g.CopyFrom, g.LinkCopy, g.Merge })
            collector.OnProbed(keys[v], new CacheResult("snap-" + v.Value[^6..]));
        Assert.False(collector.IsComplete);
        collector.OnProbed(keys[g.Test], null); // pruned meanwhile: not exported
        collector.OnProbed(keys[g.Test], new CacheResult("late")); // a repeated answer changes nothing
        Assert.True(collector.IsComplete);

        var records = collector.Records();
        var order = InGraphOrder(g, g.Alpine, g.Make, g.Busybox, g.CopyFrom, g.LinkCopy, g.Merge, g.Export);
        Assert.Equal(order.Select(v => keys[v]), records.Select(r => r.Key));
        Assert.Equal(order.Select(v => v != g.Alpine && v != g.Make), records.Select(r => r.Minimal));
        Assert.True(records[^1].IsImage);
        Assert.Equal([keys[g.Busybox], keys[g.Make]], records.Single(r => r.Key == keys[g.CopyFrom]).Inputs);
    }

    [Fact]
    public void Without_an_export_nothing_is_looked_up()
    {
        var g = Make();
        var collector = new CacheRecordCollector(g.Graph, Keys(g.Graph), CacheExportMode.None, _ => null);
        Assert.True(collector.IsComplete);
        Assert.Empty(collector.Records());
    }

    /// <summary>
    /// A two-platform build as <c>MultiPlatformConverter</c> joins it: a build stage on the build
    /// platform (one vertex for both), a stage per platform that copies from it, an index on top.
    /// </summary>
    private sealed record TwoPlatforms(BuildGraph Graph, OpDigest Tools, OpDigest Compile, OpDigest[] Bases, OpDigest[] Copies, OpDigest[] Runs,
        OpDigest[] Exports, OpDigest Index);

    private static TwoPlatforms MakeTwoPlatforms()
    {
        var b = new BuildGraphBuilder();
        OpMetadata M(string d) => new(d);
        var tools = b.Add(new SourceOp(SourceKind.Image, "golang@sha256:3333"), M("FROM golang"));
        var compile = b.Add(new ExecOp(tools, ["go", "build"], [], "/", ""), M("RUN go build"));
        var platforms = new[] { new Platform { Os = "linux", Architecture = "amd64" }, new Platform { Os = "linux", Architecture = "arm64" } };
        var bases = new List<OpDigest>();
        var copies = new List<OpDigest>();
        var runs = new List<OpDigest>();
        var exports = new List<OpInput>();
        foreach (var platform in platforms)
        {
            var @base = b.Add(new SourceOp(SourceKind.Image, "busybox@sha256:" + platform.Architecture), M("FROM busybox"));
            var copy = b.Add(new FileOp(@base, [new FileCopyAction(compile, "/out", "/app")]), M("COPY --from=build"));
            var run = b.Add(new ExecOp(copy, ["/app", platform.Architecture], [], "/", ""), M("RUN /app"));
            var export = b.Add(new ImageConfigOp(run, new ImageConfig { Architecture = platform.Architecture }), M("export"));
            bases.Add(@base.Digest);
            copies.Add(copy.Digest);
            runs.Add(run.Digest);
            exports.Add(export);
        }
        var index = b.Add(new ImageIndexOp(exports, platforms), M("exporting to image"));
        return new TwoPlatforms(b.Build(index.Digest), tools.Digest, compile.Digest, [.. bases], [.. copies], [.. runs],
            exports.Select(e => e.Digest).ToArray(), index.Digest);
    }

    [Fact]
    public void Min_of_a_multi_platform_build_exports_every_platforms_image_chain_and_not_the_index()
    {
        var g = MakeTwoPlatforms();
        var selected = CacheExportSelection.Select(g.Graph, CacheExportMode.Min).Select(v => v.Digest).ToArray();
        var expected = g.Graph.Vertices.Select(v => v.Digest)
            .Where(d => g.Bases.Contains(d) || g.Copies.Contains(d) || g.Runs.Contains(d) || g.Exports.Contains(d)).ToArray();
        Assert.Equal(8, expected.Length);
        Assert.Equal(expected, selected);
    }

    [Fact]
    public void Max_of_a_multi_platform_build_exports_the_shared_stage_once_and_every_platforms_steps_but_not_the_index()
    {
        var g = MakeTwoPlatforms();
        var selected = CacheExportSelection.Select(g.Graph, CacheExportMode.Max).Select(v => v.Digest).ToArray();
        Assert.Equal(g.Graph.Vertices.Select(v => v.Digest).Where(d => d != g.Index), selected);
        Assert.Single(selected, g.Compile);

        // a fully cached build: both platforms' images hit, the index ran; every step is looked up
        var keys = Keys(g.Graph);
        var results = new Dictionary<OpDigest, CacheResult>
        {
            [g.Index] = new("", Image: new Descriptor { MediaType = MediaTypes.OciIndex, Digest = "sha256:" + new string('f', 64), Size = 9 }),
        };
        foreach (var export in g.Exports)
            results[export] = new("", Image: new Descriptor { MediaType = MediaTypes.OciManifest, Digest = "sha256:" + export.Value[^64..], Size = 9 });
        var collector = new CacheRecordCollector(g.Graph, keys, CacheExportMode.Max, v => results.GetValueOrDefault(v));
        foreach (var key in collector.Missing.ToList())
            collector.OnProbed(key, new CacheResult("snap-" + key.Value[^6..]));
        Assert.True(collector.IsComplete);
        var records = collector.Records();
        Assert.DoesNotContain(records, r => r.Key == keys[g.Index]);
        Assert.Equal(2, records.Count(r => r.IsImage));
        Assert.Equal(selected.Select(v => keys[v]), records.Select(r => r.Key));
        Assert.Equal(selected.Select(v => v != g.Tools && v != g.Compile), records.Select(r => r.Minimal));
    }
}
