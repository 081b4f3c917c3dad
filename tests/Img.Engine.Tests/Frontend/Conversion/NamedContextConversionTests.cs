using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Graph;
using Img.Engine.Oci;
using Xunit;
using static Img.Engine.Tests.Frontend.Conversion.ConvertHelper;

namespace Img.Engine.Tests.Frontend.Conversion;

/// <summary><c>--build-context</c> in the converter, as BuildKit's dockerfile2llb uses named contexts.</summary>
public class NamedContextConversionTests
{
    private static ConvertOptions With(params (string Name, NamedContext Context)[] contexts) => new()
    {
        NamedContexts = contexts.ToDictionary(c => NamedContextName.Normalize(c.Name), c => c.Context),
    };

    private static readonly LocalNamedContext Libs = new("libs", ["*.tmp"]);

    [Theory]
    [InlineData("alpine", "alpine")]
    [InlineData("alpine:latest", "alpine")]
    [InlineData("docker.io/library/alpine", "alpine")]
    [InlineData("alpine:3.18", "alpine:3.18")]
    [InlineData("127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app")]
    public void Names_are_normalised_like_references(string written, string key) =>
        Assert.Equal(key, NamedContextName.Normalize(written));

    [Fact]
    public void Copy_from_a_directory_context_reads_the_local_source_in_place()
    {
        var r = Convert("FROM busybox\nCOPY --from=libs /a.txt /a.txt\n", With(("libs", Libs)));
        var source = Ops<SourceOp>(r).Single(s => s.SourceKind == SourceKind.Local && s.Identifier == "libs");
        Assert.Equal(["*.tmp"], source.ExcludePatterns);
        var copy = Ops<FileOp>(r).Single().Actions.OfType<FileCopyAction>().Single();
        Assert.Equal(r.Graph.Vertices.Single(v => v.Op == source).Digest, copy.Source!.Digest);
        Assert.Contains("[context libs] load from client", r.Graph.Vertices.Select(v => v.Metadata.Description));
    }

    [Fact]
    public void A_named_context_overrides_a_stage_of_that_name_whose_instructions_never_run()
    {
        const string dockerfile = "FROM busybox AS deps\nRUN echo never\nFROM busybox\nCOPY --from=deps /x /x\n";
        var r = Convert(dockerfile, With(("deps", new ImageNamedContext("alpine"))));
        Assert.DoesNotContain(Ops<ExecOp>(r), _ => true);
        Assert.Contains(Ops<SourceOp>(r), s => s.SourceKind == SourceKind.Image && s.Identifier == "docker.io/library/alpine:latest");
        Assert.Contains("[context deps] alpine", r.Graph.Vertices.Select(v => v.Metadata.Description));

        var plain = Convert(dockerfile);
        Assert.Single(Ops<ExecOp>(plain));
    }

    [Fact]
    public void From_an_image_name_takes_the_context_and_its_config()
    {
        var resolver = DefaultResolver().WithDigest("docker.io/library/alpine:latest", "sha256:" + new string('c', 64));
        var r = Convert("FROM docker.io/library/busybox:latest\nRUN true\n", With(("busybox", new ImageNamedContext("alpine"))), resolver);
        var image = Ops<SourceOp>(r).Single(s => s.SourceKind == SourceKind.Image);
        Assert.Equal("docker.io/library/alpine:latest@sha256:" + new string('c', 64), image.Identifier);
        Assert.Equal(["/bin/sh"], r.Image.Config!.Cmd);
    }

    [Fact]
    public void From_a_directory_copies_it_into_a_snapshot_the_steps_run_on()
    {
        var r = Convert("FROM base\nRUN ls\n", With(("base", Libs)));
        var run = Ops<ExecOp>(r).Single();
        var rootOp = r.Graph.Vertices.Single(v => v.Digest == run.Root!.Digest).Op;
        var copy = Assert.IsType<FileOp>(rootOp).Actions.OfType<FileCopyAction>().Single();
        Assert.Equal("/", copy.SourcePath);
        Assert.IsType<SourceOp>(r.Graph.Vertices.Single(v => v.Digest == copy.Source!.Digest).Op);
    }

    [Fact]
    public void Docker_image_scratch_is_the_empty_filesystem()
    {
        var r = Convert("FROM base\nCOPY a /a\n", With(("base", new ImageNamedContext("scratch"))));
        Assert.Null(Ops<FileOp>(r).Single().Base);
        Assert.DoesNotContain(Ops<SourceOp>(r), s => s.SourceKind == SourceKind.Image);
    }

    [Fact]
    public void An_oci_layout_context_is_named_by_context_name_and_digest_only()
    {
        var digest = "sha256:" + new string('d', 64);
        var config = new ImageConfig { Os = "linux", Architecture = "amd64", Config = new ContainerConfig { Cmd = ["oci"] } };
        var r = Convert("FROM layout\n", With(("layout", new OciLayoutNamedContext(digest, config))));
        var source = Ops<SourceOp>(r).Single();
        Assert.Equal(SourceKind.OciLayout, source.SourceKind);
        Assert.Equal("oci-layout://docker.io/library/layout@" + digest, source.Identifier);
        Assert.Equal(["oci"], r.Image.Config!.Cmd);
    }

    [Fact]
    public void Scratch_and_a_stage_named_context_are_not_overridden()
    {
        var r = Convert("FROM busybox AS context\nRUN true\nFROM scratch\nCOPY --from=context /a /a\n", With(("scratch", Libs), ("context", Libs)));
        Assert.DoesNotContain(Ops<SourceOp>(r), s => s.Identifier == "libs");
        Assert.Single(Ops<ExecOp>(r));
    }

    [Fact]
    public void A_context_name_that_is_not_used_changes_nothing()
    {
        var plain = Convert("FROM busybox\nRUN true\n");
        var named = Convert("FROM busybox\nRUN true\n", With(("unused", Libs)));
        Assert.Equal(plain.Graph.Target.Digest, named.Graph.Target.Digest);
    }

    [Fact]
    public void A_bad_image_reference_in_a_context_fails_at_the_line()
    {
        var e = Assert.Throws<DockerfileException>(() => Convert("FROM busybox\nFROM base\n", With(("base", new ImageNamedContext("Bad:Ref")))));
        Assert.Equal(2, e.Line);
    }
}
