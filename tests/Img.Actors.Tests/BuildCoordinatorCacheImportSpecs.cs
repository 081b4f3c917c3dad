using Akka.Actor;
using Akka.TestKit;
using Img.Actors.Tests.Fakes;
using Img.Coordinator.Builds;
using Img.Engine.Content;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Img.Engine.Transfer;
using Img.Messages.Builds;
using Img.Messages.Builds.Events;
using Img.Messages.Graphs;
using Img.Messages.Vertices.Commands;
using Img.Messages.Vertices.Events;
using Img.Messages.Vertices.Queries;

namespace Img.Actors.Tests;

/// <summary>
/// The build coordinator with cache imports (<c>--cache-from</c>: they answer local misses, and an
/// unusable one is forgotten and run) and a cache export (covered results looked up before the
/// outcome, which lists the records).
/// </summary>
public sealed class BuildCoordinatorCacheImportSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Descriptor Blob = new() { MediaType = CacheDescription.MediaTypeV1, Digest = "sha256:" + new string('c', 64), Size = 100 };
    private static readonly Descriptor Image = new() { MediaType = MediaTypes.OciManifest, Digest = "sha256:" + new string('e', 64), Size = 900 };
    private const string Source = "registry:127.0.0.1:5000/cache";

    private readonly BuildGraph _graph = Graphs.Diamond();
    private readonly IReadOnlyDictionary<OpDigest, CacheKey> _keys;

    public BuildCoordinatorCacheImportSpecs() : base(TestConfig.InMemory) =>
        _keys = CacheKeyCalculator.ComputeAsync(_graph, FakeChecksums.Instance, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    private CacheKey KeyOf(string name) => _keys[_graph.Vertices.Single(v => v.Metadata.Description == name).Digest];

    private static string NameOf(SolveVertex solve) => BuildGraphCodec.DecodeVertex(solve.Vertex).Metadata.Description;

    /// <summary>A cache holding the named vertices (the export as an image, the others as one step layer each).</summary>
    private CacheImports Imports(params string[] names)
    {
        var builder = new CacheDescriptionBuilder();
        foreach (var name in names)
        {
            if (name == "export")
            {
                builder.AddImage(KeyOf(name).Value, [], Image);
                continue;
            }
            var layer = new ResultLayer(ResultLayerKind.Step,
                new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute(System.Text.Encoding.UTF8.GetBytes(name)).ToString(), Size = 10 },
                Digest.Compute(System.Text.Encoding.UTF8.GetBytes("tar " + name)).ToString(), name, DateTimeOffset.UnixEpoch);
            builder.Add(KeyOf(name).Value, [], new ResultManifest { LayerFormat = CacheDescription.Unknown, Layers = [layer] });
        }
        return new CacheImports([new ImportedCache(Source, Blob, builder.Build())]);
    }

    private (IActorRef Coordinator, TestProbe Vertices, TestProbe Requester) Start(CacheImports imports, CacheExportMode export = CacheExportMode.None)
    {
        var vertices = CreateTestProbe();
        var requester = CreateTestProbe();
        var coordinator = Sys.ActorOf(BuildCoordinatorActor.Props(new BuildId("b1"), _graph, requester, vertices, FakeChecksums.Instance, imports: imports, export: export));
        requester.ExpectMsg<BuildStarted>();
        return (coordinator, vertices, requester);
    }

    [Fact]
    public void A_local_miss_of_the_target_is_answered_by_the_import_and_nothing_runs()
    {
        var (_, vertices, requester) = Start(Imports("export"));
        var lookup = vertices.ExpectMsg<LookupVertex>();
        Assert.Equal(KeyOf("export"), lookup.Key);
        vertices.Reply(new LookupVertexResult(lookup.Key, null));
        var target = requester.FishForMessage<BuildCompleted>(_ => true).Target;
        Assert.Equal(new CacheResult("", Image: Image, Imported: new ImportedResult(Source, Blob, KeyOf("export"))), target);
        vertices.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_local_hit_wins_over_the_import()
    {
        var (_, vertices, requester) = Start(Imports("export"));
        var lookup = vertices.ExpectMsg<LookupVertex>();
        vertices.Reply(new LookupVertexResult(lookup.Key, new CacheResult("local-export", Image: Image)));
        Assert.Equal(new CacheResult("local-export", Image: Image), requester.FishForMessage<BuildCompleted>(_ => true).Target);
    }

    [Fact]
    public void An_imported_input_no_node_could_fetch_is_forgotten_warned_about_and_run()
    {
        var (coordinator, vertices, requester) = Start(Imports("merge"));
        var target = vertices.ExpectMsg<LookupVertex>();
        vertices.Reply(new LookupVertexResult(target.Key, null));
        // the rest is looked up at once; nothing is here locally, the merge is in the import
        for (var i = 0; i < 4; i++)
        {
            var lookup = vertices.ExpectMsg<LookupVertex>();
            vertices.Reply(new LookupVertexResult(lookup.Key, null));
        }
        var export = vertices.FishForMessage<SolveVertex>(_ => true);
        Assert.Equal("export", NameOf(export));
        var imported = Assert.Single(export.Inputs);
        Assert.Equal(KeyOf("merge"), imported.Imported!.Key);

        // the node could not fetch it (a blob missing, a lying layer): the import is not asked again
        vertices.Send(coordinator, new VertexSolveFailed(export.Key, "layer sha256:...: uncompressed digest ... is not the result manifest's diffID ...", 3, [0]));
        var warning = requester.FishForMessage<BuildWarning>(_ => true);
        Assert.StartsWith("the imported cache of merge could not be used, so it runs: layer sha256:...", warning.Message);

        // the merge's inputs were covered by the import: they are looked up now, then the merge runs afresh
        var solves = new List<SolveVertex>();
        while (solves.Count == 0 || NameOf(solves[^1]) != "export")
        {
            switch (vertices.ReceiveOne(Dilated(TimeSpan.FromSeconds(3))))
            {
                case LookupVertex lookup:
                    vertices.Reply(new LookupVertexResult(lookup.Key, lookup.Key == KeyOf("merge") ? null : new CacheResult("snap-" + lookup.Key.Short)));
                    break;
                case SolveVertex solve:
                    solves.Add(solve);
                    vertices.Send(coordinator, new VertexSolved(solve.Key, new CacheResult("ran-" + NameOf(solve)), false, 1));
                    break;
            }
        }
        var merge = solves.Single(s => NameOf(s) == "merge");
        Assert.True(merge.IgnoreCache);
        Assert.All(merge.Inputs, i => Assert.Null(i.Imported));
        Assert.Equal([new CacheResult("ran-merge")], solves[^1].Inputs);
        requester.FishForMessage<BuildCompleted>(_ => true);
    }

    [Fact]
    public void A_cache_export_looks_up_what_the_build_settled_without_having_it_and_reports_the_records()
    {
        var (_, vertices, requester) = Start(Imports("left"), CacheExportMode.Max);
        var target = vertices.ExpectMsg<LookupVertex>();
        vertices.Reply(new LookupVertexResult(target.Key, new CacheResult("snap-export", Image: Image)));
        // fully cached: the four covered results are looked up for the export; left only in the import
        var asked = new HashSet<CacheKey>();
        for (var i = 0; i < 4; i++)
        {
            var lookup = vertices.ExpectMsg<LookupVertex>();
            asked.Add(lookup.Key);
            vertices.Reply(new LookupVertexResult(lookup.Key, lookup.Key == KeyOf("left") ? null : new CacheResult("snap-" + lookup.Key.Short)));
        }
        Assert.Equal(new[] { "image", "left", "right", "merge" }.Select(KeyOf).ToHashSet(), asked);
        var completed = requester.FishForMessage<BuildCompleted>(_ => true);
        var records = completed.CacheRecords!;
        Assert.Equal(_graph.Vertices.Select(v => _keys[v.Digest]), records.Select(r => r.Key));
        Assert.Equal(KeyOf("left"), records.Single(r => r.Key == KeyOf("left")).Result.Imported!.Key);
        Assert.True(records[^1].IsImage);
        Assert.All(records, r => Assert.True(r.Minimal));
        Assert.Equal([KeyOf("left"), KeyOf("right")], records.Single(r => r.Key == KeyOf("merge")).Inputs);
    }

    [Fact]
    public void Without_a_cache_export_the_outcome_lists_no_records()
    {
        var (_, vertices, requester) = Start(CacheImports.None);
        var target = vertices.ExpectMsg<LookupVertex>();
        vertices.Reply(new LookupVertexResult(target.Key, new CacheResult("snap-export", Image: Image)));
        Assert.Null(requester.FishForMessage<BuildCompleted>(_ => true).CacheRecords);
        vertices.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
