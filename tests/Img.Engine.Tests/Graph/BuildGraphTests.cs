using Img.Engine.Graph;
using Img.Engine.Oci;
using Xunit;

namespace Img.Engine.Tests.Graph;

public class BuildGraphTests
{
    private static readonly Platform Amd64 = new() { Os = "linux", Architecture = "amd64" };

    private static (BuildGraphBuilder Builder, OpInput Image, OpInput Run, OpInput Other, OpInput Export) Sample()
    {
        var b = new BuildGraphBuilder();
        var image = b.Add(new SourceOp(SourceKind.Image, "docker.io/library/alpine:latest") { Platform = Amd64 }, new OpMetadata("FROM alpine"));
        var run = b.Add(new ExecOp(image, ["/bin/sh", "-c", "make"], ["PATH=/bin"], "/", ""), new OpMetadata("RUN make"));
        var other = b.Add(new ExecOp(image, ["/bin/sh", "-c", "unused"], ["PATH=/bin"], "/", ""), new OpMetadata("RUN unused"));
        var export = b.Add(new ImageConfigOp(run, new ImageConfig { Os = "linux", Architecture = "amd64" }), new OpMetadata("export"));
        return (b, image, run, other, export);
    }

    [Fact]
    public void TopologicalOrderAndPruning()
    {
        var (b, image, run, other, export) = Sample();
        var g = b.Build(export.Digest);
        Assert.Equal([image.Digest, run.Digest, export.Digest], g.Vertices.Select(v => v.Digest));
        Assert.False(g.Contains(other.Digest));
        Assert.Equal(export.Digest, g.Target.Digest);
        Assert.Equal([image.Digest], g.Roots.Select(r => r.Digest));
        Assert.Equal("RUN make", g[run.Digest].Metadata.Description);
        Assert.True(g.TryGet(image.Digest, out var v) && v.Op is SourceOp);
        Assert.Equal([run.Digest], g.DependentsOf(image.Digest).Select(d => d.Digest));
    }

    [Fact]
    public void EqualOpsAreStoredOnceFirstMetadataWins()
    {
        var b = new BuildGraphBuilder();
        var one = b.Add(new SourceOp(SourceKind.Local, "context"), new OpMetadata("first"));
        var two = b.Add(new SourceOp(SourceKind.Local, "context"), new OpMetadata("second", IgnoreCache: true));
        Assert.Equal(one, two);
        Assert.Equal("first", b.Build(one.Digest).Target.Metadata.Description);
    }

    [Fact]
    public void TheExportDefinitionNamesTheLayerFormat()
    {
        // a cached export of an older img (another layer format) must not be reused
        var w = new CanonicalWriter();
        new ImageConfigOp(null, new ImageConfig { Os = "linux", Architecture = "amd64" }).Encode(w);
        var text = System.Text.Encoding.UTF8.GetString(w.ToArray());
        Assert.Contains("layer-format", text);
        Assert.EndsWith(Img.Engine.Diff.LayerBlobFormat.Version, text);
    }

    [Fact]
    public void MetadataIsNotPartOfTheDigest()
    {
        var op = new ExecOp(null, ["x"], [], "/", "");
        var b1 = new BuildGraphBuilder();
        var b2 = new BuildGraphBuilder();
        Assert.Equal(b1.Add(op, new OpMetadata("a")).Digest, b2.Add(op, new OpMetadata("b", "stage", true, 10)).Digest);
    }

    [Fact]
    public void EveryFieldIsPartOfTheDigest()
    {
        var baseOp = new ExecOp(null, ["x"], ["A=1"], "/", "");
        BuildOp[] variants =
        [
            baseOp with { Args = ["y"] },
            baseOp with { Env = ["A=2"] },
            baseOp with { Cwd = "/w" },
            baseOp with { User = "u" },
            baseOp with { Network = NetworkMode.None },
            baseOp with { Security = SecurityMode.Insecure },
            baseOp with { Mounts = [new ExecMount(ExecMountType.Tmpfs, "/t")] },
        ];
        var digests = variants.Select(v => v.ComputeDigest()).Append(baseOp.ComputeDigest()).ToArray();
        Assert.Equal(digests.Length, digests.Distinct().Count());
    }

    [Fact]
    public void InputsMustExist()
    {
        var b = new BuildGraphBuilder();
        var missing = new OpInput(new OpDigest("sha256:" + new string('0', 64)));
        Assert.Throws<InvalidOperationException>(() => b.Add(new ExecOp(missing, ["x"], [], "/", ""), new OpMetadata("")));
    }

    [Fact]
    public void InputsListedOnceInOrder()
    {
        var a = new OpInput(new OpDigest("sha256:a"));
        var c = new OpInput(new OpDigest("sha256:c"));
        var op = new FileOp(a, [new FileCopyAction(c, "/x", "/y"), new FileCopyAction(a, "/z", "/w"), new FileMkdirAction("/d", 493, true)]);
        Assert.Equal([a, c], op.Inputs);
        Assert.Equal([a], new MergeOp([a, a]).Inputs);
    }

    [Fact]
    public void RebuildWithReplacementRewritesDependents()
    {
        var (b, image, run, _, export) = Sample();
        var replaced = b.Build(export.Digest, new Dictionary<OpDigest, BuildOp>
        {
            [image.Digest] = new SourceOp(SourceKind.Image, "docker.io/library/alpine:3.19") { Platform = Amd64 },
        });
        Assert.Equal(3, replaced.Vertices.Count);
        Assert.All(replaced.Vertices, v => Assert.NotEqual(v.Digest, v.Op is SourceOp ? image.Digest : run.Digest));
        Assert.Equal("RUN make", replaced.Vertices[1].Metadata.Description);
        Assert.Equal(replaced.Vertices[0].Digest, replaced.Vertices[1].Inputs.Single().Digest);
    }

    [Fact]
    public void DeepChainsDoNotOverflow()
    {
        var b = new BuildGraphBuilder();
        OpInput? last = null;
        for (var i = 0; i < 20_000; i++)
            last = b.Add(new ExecOp(last, ["step", i.ToString(System.Globalization.CultureInfo.InvariantCulture)], [], "/", ""), new OpMetadata(""));
        Assert.Equal(20_000, b.Build(last!.Digest).Vertices.Count);
    }
}
