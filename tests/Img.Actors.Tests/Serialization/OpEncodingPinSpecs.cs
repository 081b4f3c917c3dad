using System.Security.Cryptography;
using Img.Actors.Tests.Fakes;
using Img.Engine.Diff;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Img.Messages.Graphs;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// Both encodings of every op kind, file action and mount type, written down: the digest of each
/// vertex (every user's build cache is keyed by it) and the SHA-256 of the graph's wire bytes
/// (what nodes of another build of img must still read). <c>Graphs.Everything</c> plus a git
/// source, an ssh mount and a compressed export cover every field shape. When a change is meant to
/// move them, update the values in the same commit and say so; when it is not, this caught it.
/// </summary>
public class OpEncodingPinSpecs
{
    internal static BuildGraph Pinned()
    {
        var everything = Graphs.Everything();
        var b = new BuildGraphBuilder();
        foreach (var v in everything.Vertices)
            b.Add(v.Op, v.Metadata);
        var git = b.Add(new SourceOp(SourceKind.Git, "https://example.invalid/r.git#main") { KeepGitDir = true, IncludePatterns = ["a"] }, OpMetadata.Internal("git"));
        var ssh = b.Add(new ExecOp(git, ["true"], [], "/", "")
        {
            Network = NetworkMode.Host,
            Mounts = [new ExecMount(ExecMountType.Ssh, "/run/ssh") { SecretId = "default", Mode = 0x180 }],
        }, OpMetadata.Internal("ssh"));
        var merge = b.Add(new MergeOp([everything.Target.Op.Inputs[0], ssh]), OpMetadata.Internal("merge all"));
        var export = b.Add(new ImageConfigOp(merge, new ImageConfig { Os = "linux", Architecture = "amd64" })
        {
            Compression = new LayerCompressionOptions(LayerCompression.Zstd, 19, true),
        }, OpMetadata.Internal("compressed export"));
        return b.Build(export.Digest);
    }

    /// <summary>The vertices of both graphs: <see cref="Pinned"/> leaves out the export of <c>Everything</c>.</summary>
    private static IEnumerable<BuildVertex> Vertices() => Pinned().Vertices.Concat(Graphs.Everything().Vertices).DistinctBy(v => v.Digest);

    [Theory]
    [InlineData("[1/4] FROM alpine", "sha256:67471095302d1f2a5f787aa0c9e4fe789d0abe0f62419c683dd106dea060affe")]
    [InlineData("load context", "sha256:c98f55d79d5a6d76b1ba17d327a972a0915621b705869542d3ef7c54ff380984")]
    [InlineData("ADD url", "sha256:7420518968b18e851953e45732618cf33680e2907bf1cf2099d30723520bf5a7")]
    [InlineData("[2/4] COPY src /app/src", "sha256:7804e8b3f2c39c1cc5af429291948836b88fd1fba7b15524af68dadef514582e")]
    [InlineData("[3/4] RUN make", "sha256:89d80341417387ea44d9064d6b083eb0572a391f6452d91ea724bae98df9f240")]
    [InlineData("COPY --link", "sha256:97b7806b30e630b5a2cf2b0450275476abaf1db1191df7d8840a51a753efed4b")]
    [InlineData("merge", "sha256:6de2556f7f2c0a4436646284da7e479903aa810fbd91af6db1a96b9daf479957")]
    [InlineData("git", "sha256:8dd3b22256812dca66d8fa76e032f10d3d4840c9e5207b16c4449365897947e0")]
    [InlineData("ssh", "sha256:2ce6b82e1618d63fe45ef5ca8597f968186244d03bc7262362250efdb03ceddb")]
    [InlineData("merge all", "sha256:3a60cf52bf3a7eb1a4818f16a748e866702fbf02aaf7abb2c81487f165984b81")]
    [InlineData("compressed export", "sha256:8b3a006ea4a6e72dbf033b71409aba59e43f18e7e05b42bad58514e70356df1c")]
    [InlineData("export", "sha256:ba958368f2159c782ebb29a6ca6e98b039e41b0d72de50392591967628fa69e3")]
    public void Vertex_digests_are_pinned(string description, string digest) =>
        Assert.Equal(digest, Vertices().Single(v => v.Metadata.Description == description).Digest.Value);

    [Fact]
    public void Every_vertex_is_pinned()
    {
        var pinned = typeof(OpEncodingPinSpecs).GetMethod(nameof(Vertex_digests_are_pinned))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).Single()[0]).ToHashSet();
        Assert.Equal(Vertices().Select(v => v.Metadata.Description).Order(), pinned.Order());
    }

    [Fact]
    public void The_wire_bytes_are_pinned()
    {
        Assert.Equal("85f34574a65330a701e8047a254ff00fa73a74f57b7d89a4bab77536a64a28ab", Sha256(BuildGraphCodec.Encode(Pinned())));
        Assert.Equal("52d05d7cc6ac364f59dcabbb4124a6b087fa2787a69abd460abd791affc8d92e", Sha256(BuildGraphCodec.Encode(Graphs.Everything())));
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
