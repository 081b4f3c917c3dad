using Img.Engine.Graph;
using Xunit;
using static Img.Engine.Tests.Frontend.Conversion.ConvertHelper;

namespace Img.Engine.Tests.Frontend.Conversion;

/// <summary>FROM is pinned to the digest the resolver reports, as BuildKit's dockerfile2llb does.</summary>
public class BaseImagePinningTests
{
    private static readonly string DigestA = "sha256:" + new string('a', 64);
    private static readonly string DigestB = "sha256:" + new string('b', 64);

    private static FakeImageResolver Resolver(string? digest)
    {
        var resolver = DefaultResolver();
        if (digest is not null)
            resolver.WithDigest("docker.io/library/busybox:latest", digest);
        return resolver;
    }

    private static SourceOp Image(Img.Engine.Frontend.Dockerfile.Conversion.ConversionResult r) =>
        Ops<SourceOp>(r).Single(s => s.SourceKind == SourceKind.Image);

    [Fact]
    public void The_source_names_the_resolved_digest_and_its_description_shows_it()
    {
        var r = Convert("FROM busybox\nRUN true\n", resolver: Resolver(DigestA));
        Assert.Equal("docker.io/library/busybox:latest@" + DigestA, Image(r).Identifier);
        Assert.Contains("[1/2] FROM docker.io/library/busybox:latest@" + DigestA, r.Graph.Vertices.Select(v => v.Metadata.Description));
    }

    [Fact]
    public void Another_image_under_the_same_name_changes_the_source_and_everything_after_it()
    {
        var a = Convert("FROM busybox\nRUN true\n", resolver: Resolver(DigestA));
        var again = Convert("FROM busybox\nRUN true\n", resolver: Resolver(DigestA));
        var b = Convert("FROM busybox\nRUN true\n", resolver: Resolver(DigestB));
        Assert.Equal(a.Graph.Target.Digest, again.Graph.Target.Digest);
        Assert.NotEqual(Described(a, "FROM").Digest, Described(b, "FROM").Digest);
        Assert.NotEqual(Described(a, "RUN true").Digest, Described(b, "RUN true").Digest);
        Assert.NotEqual(a.Graph.Target.Digest, b.Graph.Target.Digest);
    }

    [Fact]
    public void Without_a_digest_the_reference_stays_unpinned_and_a_digest_in_the_dockerfile_is_kept()
    {
        Assert.Equal("docker.io/library/busybox:latest", Image(Convert("FROM busybox\n", resolver: Resolver(null))).Identifier);

        var pinned = "docker.io/library/busybox:latest@" + DigestB;
        var resolver = Resolver(null);
        resolver.Images[pinned] = resolver.Images["docker.io/library/busybox:latest"];
        resolver.WithDigest(pinned, DigestA);
        Assert.Equal(pinned, Image(Convert("FROM busybox:latest@" + DigestB + "\n", resolver: resolver)).Identifier);
    }

    [Fact]
    public void The_resolver_is_asked_with_the_tag_not_the_pin()
    {
        var resolver = Resolver(DigestA);
        Convert("FROM busybox\nFROM busybox\nRUN true\n", resolver: resolver);
        Assert.All(resolver.Calls, c => Assert.Equal("docker.io/library/busybox:latest", c.Reference));
    }
}
