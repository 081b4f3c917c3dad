using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Engine.Solver;
using Xunit;

namespace Img.Engine.Tests.Solver;

public class CacheKeyCalculatorTests
{
    private static BuildGraph Graph(string runCommand = "make", OpMetadata? runMetadata = null, string copySource = "src", string image = "alpine@sha256:1111")
    {
        var b = new BuildGraphBuilder();
        var from = b.Add(new SourceOp(SourceKind.Image, image), new OpMetadata("FROM alpine"));
        var context = b.Add(new SourceOp(SourceKind.Local, "context"), OpMetadata.Internal("context"));
        var copy = b.Add(new FileOp(from, [new FileCopyAction(context, copySource, "/app")]), new OpMetadata("COPY src /app"));
        var run = b.Add(new ExecOp(copy, ["/bin/sh", "-c", runCommand], [], "/app", ""), runMetadata ?? new OpMetadata("RUN " + runCommand));
        var export = b.Add(new ImageConfigOp(run, new ImageConfig { Os = "linux", Architecture = "amd64" }), OpMetadata.Internal("export"));
        return b.Build(export.Digest);
    }

    private static FakeChecksumProvider Context() => new()
    {
        Files = { ["src/a.c"] = "int a;", ["src/b.c"] = "int b;", ["README"] = "hello" },
    };

    private static async Task<IReadOnlyDictionary<OpDigest, CacheKey>> Keys(BuildGraph graph, FakeChecksumProvider? context = null) =>
        await CacheKeyCalculator.ComputeAsync(graph, context ?? Context(), CancellationToken.None);

    private static CacheKey KeyOf(BuildGraph g, IReadOnlyDictionary<OpDigest, CacheKey> keys, string kind, int nth = 0) =>
        keys[g.Vertices.Where(v => v.Op.Kind == kind).ElementAt(nth).Digest];

    [Fact]
    public async Task SameInputsGiveSameKeys()
    {
        var one = await Keys(Graph());
        var two = await Keys(Graph());
        Assert.Equal(one.OrderBy(p => p.Key.Value).Select(p => p.Value), two.OrderBy(p => p.Key.Value).Select(p => p.Value));
        Assert.All(one.Values, k => Assert.Matches("^sha256:[0-9a-f]{64}$", k.Value));
        Assert.Equal(one.Count, one.Values.Distinct().Count());
    }

    [Fact]
    public async Task ChangingAnOpChangesItsKeyAndEveryKeyDownstream()
    {
        var g1 = Graph("make");
        var g2 = Graph("make all");
        var k1 = await Keys(g1);
        var k2 = await Keys(g2);
        Assert.Equal(KeyOf(g1, k1, "file"), KeyOf(g2, k2, "file"));
        Assert.NotEqual(KeyOf(g1, k1, "exec"), KeyOf(g2, k2, "exec"));
        Assert.NotEqual(KeyOf(g1, k1, "export"), KeyOf(g2, k2, "export"));
    }

    [Fact]
    public async Task ChangingABaseImageChangesEverythingOnTopOfIt()
    {
        var g1 = Graph(image: "alpine@sha256:1111");
        var g2 = Graph(image: "alpine@sha256:2222");
        var k1 = await Keys(g1);
        var k2 = await Keys(g2);
        Assert.NotEqual(KeyOf(g1, k1, "file"), KeyOf(g2, k2, "file"));
        Assert.NotEqual(KeyOf(g1, k1, "exec"), KeyOf(g2, k2, "exec"));
    }

    [Fact]
    public async Task MetadataDoesNotChangeKeys()
    {
        var g1 = Graph();
        var g2 = Graph(runMetadata: new OpMetadata("[stage 3/3] RUN make", "build", IgnoreCache: true, Line: 42));
        Assert.Equal((await Keys(g1)).Values.Select(k => k.Value).Order(), (await Keys(g2)).Values.Select(k => k.Value).Order());
    }

    [Fact]
    public async Task CopyKeyFollowsTheSelectedFilesContentOnly()
    {
        var g = Graph();
        var before = Context();
        var touchedElsewhere = Context();
        touchedElsewhere.Files["README"] = "changed";
        var edited = Context();
        edited.Files["src/b.c"] = "int b = 1;";

        var k0 = await Keys(g, before);
        var k1 = await Keys(g, touchedElsewhere);
        var k2 = await Keys(g, edited);

        Assert.Equal(KeyOf(g, k0, "file"), KeyOf(g, k1, "file"));
        Assert.Equal(KeyOf(g, k0, "exec"), KeyOf(g, k1, "exec"));
        Assert.NotEqual(KeyOf(g, k0, "file"), KeyOf(g, k2, "file"));
        Assert.NotEqual(KeyOf(g, k0, "exec"), KeyOf(g, k2, "exec"));
        Assert.NotEqual(KeyOf(g, k0, "export"), KeyOf(g, k2, "export"));
    }

    [Fact]
    public async Task ChecksumProviderIsAskedForTheCopySelection()
    {
        var g = Graph(copySource: "src");
        var context = Context();
        await Keys(g, context);
        var local = (SourceOp)g.Vertices.Single(v => v.Op is SourceOp { SourceKind: SourceKind.Local }).Op;
        Assert.Contains(context.Calls, c => c.Source == local && c.Selection.Path == "src");
        Assert.Contains(context.Calls, c => c.Source == local && c.Selection == ContentSelection.All);
        Assert.Equal(2, context.Calls.Count);
    }

    [Fact]
    public async Task LocalSourceKeyFollowsTheWholeContext()
    {
        var g = Graph();
        var changed = Context();
        changed.Files["README"] = "changed";
        Assert.NotEqual(KeyOf(g, await Keys(g), "source", 1), KeyOf(g, await Keys(g, changed), "source", 1));
    }

    [Fact]
    public async Task BindMountsOfTheContextAreChecksummed()
    {
        var b = new BuildGraphBuilder();
        var from = b.Add(new SourceOp(SourceKind.Image, "alpine@sha256:1111"), new OpMetadata("FROM"));
        var context = b.Add(new SourceOp(SourceKind.Local, "context"), OpMetadata.Internal("context"));
        var run = b.Add(new ExecOp(from, ["make"], [], "/", "") { Mounts = [new ExecMount(ExecMountType.Bind, "/src") { Source = context, SourcePath = "src" }] },
            new OpMetadata("RUN --mount=type=bind make"));
        var g = b.Build(run.Digest);
        var edited = Context();
        edited.Files["src/a.c"] = "int a = 2;";
        var other = Context();
        other.Files["README"] = "x";
        var k0 = (await Keys(g))[run.Digest];
        Assert.NotEqual(k0, (await Keys(g, edited))[run.Digest]);
        Assert.Equal(k0, (await Keys(g, other))[run.Digest]);
    }

    [Fact]
    public void DefinitionDigestIgnoresInputDigestsButNotPositions()
    {
        var a = new OpInput(new OpDigest("sha256:" + new string('a', 64)));
        var b = new OpInput(new OpDigest("sha256:" + new string('b', 64)));
        var op1 = new MergeOp([a, b]);
        var op2 = new MergeOp([b, a]);
        Assert.Equal(CacheKeyCalculator.DefinitionDigest(op1), CacheKeyCalculator.DefinitionDigest(op2));
        Assert.NotEqual(CacheKeyCalculator.DefinitionDigest(new MergeOp([a, a with { Output = 1 }])), CacheKeyCalculator.DefinitionDigest(op1));
        Assert.NotEqual(op1.ComputeDigest(), op2.ComputeDigest());
    }
}
