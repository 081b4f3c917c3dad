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
}
