using Img.Engine.Content;
using Img.Engine.References;
using Xunit;

namespace Img.Engine.Tests.References;

public class ImageReferenceTests
{
    private const string Hex = "7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";

    [Theory]
    // input, registry, repository, tag, digest-hex (null = none), canonical
    [InlineData("busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest")]
    [InlineData("busybox:1.36", "docker.io", "library/busybox", "1.36", null, "docker.io/library/busybox:1.36")]
    [InlineData("library/busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest")]
    [InlineData("docker.io/busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/busybox", "docker.io", "library/busybox", "latest", null, "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/user/app:v1", "docker.io", "user/app", "v1", null, "docker.io/user/app:v1")]
    [InlineData("user/app", "docker.io", "user/app", "latest", null, "docker.io/user/app:latest")]
    [InlineData("user/sub/app", "docker.io", "user/sub/app", "latest", null, "docker.io/user/sub/app:latest")]
    [InlineData("localhost/x", "localhost", "x", "latest", null, "localhost/x:latest")]
    [InlineData("localhost:5000/x", "localhost:5000", "x", "latest", null, "localhost:5000/x:latest")]
    [InlineData("127.0.0.1:5000/ns/name:tag", "127.0.0.1:5000", "ns/name", "tag", null, "127.0.0.1:5000/ns/name:tag")]
    [InlineData("example.com/app", "example.com", "app", "latest", null, "example.com/app:latest")]
    [InlineData("example.com:443/a/b/c", "example.com:443", "a/b/c", "latest", null, "example.com:443/a/b/c:latest")]
    [InlineData("[::1]:5000/app", "[::1]:5000", "app", "latest", null, "[::1]:5000/app:latest")]
    [InlineData("[2001:db8::1]/app:v", "[2001:db8::1]", "app", "v", null, "[2001:db8::1]/app:v")]
    [InlineData("myhost:5000/app", "myhost:5000", "app", "latest", null, "myhost:5000/app:latest")]
    [InlineData("Example.com/app", "Example.com", "app", "latest", null, "Example.com/app:latest")]
    [InlineData("Foo/bar", "Foo", "bar", "latest", null, "Foo/bar:latest")]
    [InlineData("a-b/c_d.e", "docker.io", "a-b/c_d.e", "latest", null, "docker.io/a-b/c_d.e:latest")]
    [InlineData("a__b/c---d", "docker.io", "a__b/c---d", "latest", null, "docker.io/a__b/c---d:latest")]
    [InlineData("app:TAG_with.dots-and_CAPS", "docker.io", "library/app", "TAG_with.dots-and_CAPS", null, "docker.io/library/app:TAG_with.dots-and_CAPS")]
    [InlineData("app:_underscore", "docker.io", "library/app", "_underscore", null, "docker.io/library/app:_underscore")]
    [InlineData("busybox@sha256:" + Hex, "docker.io", "library/busybox", null, Hex, "docker.io/library/busybox@sha256:" + Hex)]
    [InlineData("busybox:1@sha256:" + Hex, "docker.io", "library/busybox", "1", Hex, "docker.io/library/busybox:1@sha256:" + Hex)]
    [InlineData("host:5000/ns/name:tag@sha256:" + Hex, "host:5000", "ns/name", "tag", Hex, "host:5000/ns/name:tag@sha256:" + Hex)]
    [InlineData("a/b/c/d/e/f/g", "docker.io", "a/b/c/d/e/f/g", "latest", null, "docker.io/a/b/c/d/e/f/g:latest")]
    [InlineData("0", "docker.io", "library/0", "latest", null, "docker.io/library/0:latest")]
    [InlineData("xn--n3h.com/app", "xn--n3h.com", "app", "latest", null, "xn--n3h.com/app:latest")]
    public void Parses_valid_references(string input, string registry, string repository, string? tag, string? digestHex, string canonical)
    {
        var r = ImageReference.Parse(input);
        Assert.Equal(registry, r.Registry);
        Assert.Equal(repository, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(digestHex, r.Digest?.Hex);
        Assert.Equal(canonical, r.ToString());
        Assert.True(ImageReference.TryParse(input, out var again));
        Assert.Equal(r, again);
        // The canonical form parses to itself.
        Assert.Equal(r, ImageReference.Parse(r.ToString()));
    }

    [Theory]
    [InlineData("", "invalid reference format")]
    [InlineData(":", "invalid reference format")]
    [InlineData("/", "invalid reference format")]
    [InlineData("busybox:", "invalid reference format")]
    [InlineData("busybox@", "invalid reference format")]
    [InlineData(":tag", "invalid reference format")]
    [InlineData("-app", "invalid reference format")]
    [InlineData("app-", "invalid reference format")]
    [InlineData("a..b", "invalid reference format")]
    [InlineData("a//b", "invalid reference format")]
    [InlineData("a/", "invalid reference format")]
    [InlineData("a___b", "invalid reference format")]
    [InlineData("app:-tag", "invalid reference format")]
    [InlineData("app:.tag", "invalid reference format")]
    [InlineData("app:tag with space", "invalid reference format")]
    [InlineData("app:a:b", "invalid reference format")]
    [InlineData("http://example.com/app", "invalid reference format")]
    [InlineData("example.com/app/", "invalid reference format")]
    [InlineData("-host.com/app", "invalid reference format")]
    [InlineData("host-.com/app", "invalid reference format")]
    [InlineData("[fe80::1%eth0]:5000/app", "invalid reference format")]
    [InlineData("busybox\n", "invalid reference format")]
    [InlineData("büsybox", "invalid reference format")]
    [InlineData("bÜsybox", "invalid reference format: repository name (library/bÜsybox) must be lowercase")]
    // The first component has a '.', so it is a registry, but '_' is not allowed in one.
    [InlineData("a-b.c_d/e", "invalid reference format")]
    [InlineData("app@sha256:abc", "invalid reference format")]
    [InlineData("Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase")]
    [InlineData("user/App", "invalid reference format: repository name (user/App) must be lowercase")]
    [InlineData("example.com/User/app:TAG", "invalid reference format: repository name (User/app) must be lowercase")]
    [InlineData(Hex, "invalid repository name (" + Hex + "), cannot specify 64-byte hexadecimal strings")]
    public void Rejects_invalid_references_with_docker_messages(string input, string message)
    {
        var e = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse(input));
        Assert.Equal(message, e.Message);
        Assert.Equal(input, e.Reference);
        Assert.False(ImageReference.TryParse(input, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void Tag_of_128_characters_is_the_maximum()
    {
        var ok = "a" + new string('b', 127);
        Assert.Equal(ok, ImageReference.Parse("app:" + ok).Tag);
        Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse("app:" + ok + "c"));
    }

    [Fact]
    public void Name_longer_than_255_is_refused()
    {
        // docker.io/ (10) + 245 = 255: accepted; one more is refused.
        var okPath = "a/" + new string('b', 243);
        Assert.Equal(255, ("docker.io/" + okPath).Length);
        ImageReference.Parse(okPath);
        var e = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse(okPath + "c"));
        Assert.Equal("repository name must not be more than 255 characters", e.Message);
    }

    [Theory]
    [InlineData("app@sha512:" + Hex + Hex, "unsupported digest algorithm sha512")]
    [InlineData("app@sha256:" + "7CC4B5AEFD1D0CADF8D97D4350462BA51C694EBCA145B08D7D41B41ACC8DB5AA", "hex must be lower-case")]
    [InlineData("app@sha256:" + Hex + "00", "invalid checksum digest length")]
    [InlineData("app@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm md5")]
    public void Digest_must_be_sha256_with_64_lower_hex(string input, string fragment)
    {
        var e = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse(input));
        Assert.StartsWith("invalid reference format: ", e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Theory]
    [InlineData("busybox", "busybox:latest", "busybox", "docker.io/library/busybox")]
    [InlineData("docker.io/library/busybox:1", "busybox:1", "busybox", "docker.io/library/busybox")]
    [InlineData("user/app:v1", "user/app:v1", "user/app", "docker.io/user/app")]
    [InlineData("docker.io/library/a/b", "library/a/b:latest", "library/a/b", "docker.io/library/a/b")]
    [InlineData("localhost:5000/app", "localhost:5000/app:latest", "localhost:5000/app", "localhost:5000/app")]
    [InlineData("quay.io/library/app", "quay.io/library/app:latest", "quay.io/library/app", "quay.io/library/app")]
    public void Familiar_and_full_names(string input, string familiar, string familiarRepository, string fullName)
    {
        var r = ImageReference.Parse(input);
        Assert.Equal(familiar, r.FamiliarName);
        Assert.Equal(familiarRepository, r.FamiliarRepository);
        Assert.Equal(fullName, r.FullName);
    }

    [Fact]
    public void ParseNormalized_does_not_add_a_tag()
    {
        var r = ImageReference.ParseNormalized("busybox");
        Assert.True(r.IsNameOnly);
        Assert.Null(r.Tag);
        Assert.Equal("docker.io/library/busybox", r.ToString());
        Assert.Equal("latest", r.ManifestReference);
    }

    [Fact]
    public void Digest_only_reference_gets_no_default_tag()
    {
        var r = ImageReference.Parse("busybox@sha256:" + Hex);
        Assert.Null(r.Tag);
        Assert.Equal("sha256:" + Hex, r.ManifestReference);
    }

    [Fact]
    public void WithTag_and_WithDigest_return_new_references()
    {
        var r = ImageReference.Parse("busybox:1");
        var d = Digest.FromHex(Hex);
        var tagged = r.WithTag("2");
        Assert.Equal("docker.io/library/busybox:2", tagged.ToString());
        Assert.Equal("docker.io/library/busybox:1", r.ToString());
        var digested = tagged.WithDigest(d);
        Assert.Equal("docker.io/library/busybox:2@sha256:" + Hex, digested.ToString());
        Assert.Equal("sha256:" + Hex, digested.ManifestReference);
        Assert.Equal("docker.io/library/busybox", digested.WithoutTagOrDigest().ToString());
        var e = Assert.Throws<InvalidReferenceException>(() => r.WithTag("bad tag"));
        Assert.Equal("invalid tag format: \"bad tag\"", e.Message);
    }

    [Theory]
    [InlineData("busybox", "registry-1.docker.io")]
    [InlineData("index.docker.io/user/app", "registry-1.docker.io")]
    [InlineData("localhost:5000/app", "localhost:5000")]
    [InlineData("ghcr.io/o/app", "ghcr.io")]
    public void Registry_api_host(string input, string host) =>
        Assert.Equal(host, ImageReference.Parse(input).RegistryApiHost);

    [Fact]
    public void Equality_is_by_value()
    {
        Assert.Equal(ImageReference.Parse("busybox"), ImageReference.Parse("docker.io/library/busybox:latest"));
        Assert.True(ImageReference.Parse("busybox") == ImageReference.Parse("index.docker.io/library/busybox"));
        Assert.NotEqual(ImageReference.Parse("busybox:1"), ImageReference.Parse("busybox:2"));
    }
}
