using Img.Actors.Tests.Fakes;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Messages.Builds;
using Img.Messages.Builds.Commands;
using Img.Messages.Graphs;
using Img.Messages.Serialization;
using MessagePack;
using Img.Messages;

namespace Img.Actors.Tests.Serialization;

public class BuildGraphCodecSpecs
{
    [Fact]
    public void GraphRoundTripsWithEveryOpKindAndField()
    {
        var graph = Graphs.Everything();
        var back = BuildGraphCodec.Decode(BuildGraphCodec.Encode(graph));
        Assert.Equal(graph.Vertices.Select(v => v.Digest), back.Vertices.Select(v => v.Digest));
        Assert.Equal(graph.Target.Digest, back.Target.Digest);
        Assert.Equal(graph.Vertices.Select(v => v.Metadata), back.Vertices.Select(v => v.Metadata));
        Assert.Equal(GraphPrinter.ToText(graph), GraphPrinter.ToText(back));
    }

    [Fact]
    public void SourceDateEpochTravelsInTheExportAndTheMkdir()
    {
        var back = BuildGraphCodec.Decode(BuildGraphCodec.Encode(Graphs.Everything()));
        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        Assert.Equal(epoch, Assert.IsType<ImageConfigOp>(back.Target.Op).SourceDateEpoch);
        var mkdirs = back.Vertices.Select(v => v.Op).OfType<FileOp>().SelectMany(f => f.Actions).OfType<FileMkdirAction>().ToArray();
        Assert.Equal([null, epoch], mkdirs.Select(m => m.CreatedTime));
        Assert.Null(Assert.IsType<ImageConfigOp>(BuildGraphCodec.Decode(BuildGraphCodec.Encode(Graphs.Diamond())).Target.Op).SourceDateEpoch);
    }

    [Fact]
    public void VertexRoundTrips()
    {
        foreach (var vertex in Graphs.Everything().Vertices)
        {
            var back = BuildGraphCodec.DecodeVertex(BuildGraphCodec.EncodeVertex(vertex));
            Assert.Equal(vertex.Digest, back.Digest);
            Assert.Equal(vertex.Metadata, back.Metadata);
        }
    }

    [Fact]
    public void TamperedBytesAreRefused()
    {
        var vertex = Graphs.Diamond().Vertices[1];
        var bytes = BuildGraphCodec.EncodeVertex(vertex);
        var at = bytes.AsSpan().IndexOf("left"u8);
        Assert.True(at > 0);
        bytes[at + 3] = (byte)'T';
        Assert.Contains("digest", Assert.Throws<InvalidDataException>(() => BuildGraphCodec.DecodeVertex(bytes)).Message);
        Assert.Throws<InvalidDataException>(() => BuildGraphCodec.DecodeVertex(new byte[] { 0x93, 0xc1 }));
    }

    [Fact]
    public void AHundredStepBuildFitsInOneRemoteFrame()
    {
        var b = new BuildGraphBuilder();
        var root = b.Add(new SourceOp(SourceKind.Image, "docker.io/library/debian:12@sha256:" + new string('1', 64)), new OpMetadata("[1/101] FROM debian"));
        var history = new List<HistoryEntry>();
        for (var n = 0; n < 100; n++)
        {
            var command = $"apt-get update && apt-get install -y package-number-{n} && rm -rf /var/lib/apt/lists/*";
            root = b.Add(new ExecOp(root, ["/bin/sh", "-c", command], ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "/", ""), new OpMetadata($"[{n + 2}/101] RUN {command}", "", false, n + 2));
            history.Add(new HistoryEntry { CreatedBy = "RUN /bin/sh -c " + command, Comment = "buildkit.dockerfile.v0" });
        }
        var export = b.Add(new ImageConfigOp(root, new ImageConfig { Os = "linux", Architecture = "amd64", History = history }), OpMetadata.Internal("export"));
        var start = new StartBuild(BuildId.New(), BuildGraphCodec.Encode(b.Build(export.Digest)), "/ctx");
        var bytes = MessagePackSerializer.Serialize<IImgMessage>(start, ImgResolver.Options);
        Assert.True(bytes.Length < 128_000, $"{bytes.Length} bytes");
    }

    [Fact]
    public void Run_resources_travel_to_nodes_and_key_the_step_only_when_set()
    {
        var plain = new ExecOp(null, ["sh", "-c", "true"], [], "/", "");
        var withResources = plain with
        {
            ExtraHosts = [new ExtraHost("mirror.example", "10.1.2.3")],
            ShmSize = 128L << 20,
            Ulimits = [new Ulimit("nofile", 2048, 4096)],
            CgroupParent = "ci",
        };
        var vertex = new BuildVertex(withResources.ComputeDigest(), withResources, new OpMetadata("[1/1] RUN true"));
        var back = Assert.IsType<ExecOp>(BuildGraphCodec.DecodeVertex(BuildGraphCodec.EncodeVertex(vertex)).Op);
        Assert.Equal(withResources.ExtraHosts, back.ExtraHosts);
        Assert.Equal(withResources.ShmSize, back.ShmSize);
        Assert.Equal(withResources.Ulimits, back.Ulimits);
        Assert.Equal("ci", back.CgroupParent);
        Assert.NotEqual(plain.ComputeDigest(), withResources.ComputeDigest());
        foreach (var one in new ExecOp[] { plain with { ShmSize = 1 }, plain with { CgroupParent = "x" }, plain with { Ulimits = [new Ulimit("nproc", 1, 1)] } })
            Assert.NotEqual(plain.ComputeDigest(), one.ComputeDigest());
        // an op without them keeps its eight-field bytes (and so its digest, see PinnedDigestTests)
        var plainVertex = new BuildVertex(plain.ComputeDigest(), plain, new OpMetadata("[1/1] RUN true"));
        var plainBack = Assert.IsType<ExecOp>(BuildGraphCodec.DecodeVertex(BuildGraphCodec.EncodeVertex(plainVertex)).Op);
        Assert.Empty(plainBack.ExtraHosts);
        Assert.Equal(0, plainBack.ShmSize);
        Assert.True(BuildGraphCodec.EncodeVertex(plainVertex).Length < BuildGraphCodec.EncodeVertex(vertex).Length);
    }
}
