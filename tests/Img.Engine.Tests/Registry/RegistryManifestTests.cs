using System.Text;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Img.Engine.Registry;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Registry;

[Collection(RegistryCollection.Name)]
public sealed class RegistryManifestTests(RegistryFixture registries)
{
    private RegistryClient Client() => new(registries.Anonymous.Host, new RegistryClientOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(10) });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Manifest_put_and_get_keep_bytes_media_type_and_digest(bool oci)
    {
        using var client = Client();
        var image = TestImage.Create(oci);
        foreach (var blob in image.Layers.Append(image.Config))
            await client.PushBlobAsync("manifests/roundtrip", blob.Descriptor, blob.Opener);
        var digest = await client.PutManifestAsync("manifests/roundtrip", oci ? "oci" : "docker", image.Manifest, image.MediaType);
        Assert.Equal(image.Digest, digest);

        foreach (var reference in new[] { oci ? "oci" : "docker", image.Digest })
        {
            var fetched = await client.GetManifestAsync("manifests/roundtrip", reference);
            Assert.Equal(image.MediaType, fetched.MediaType);
            Assert.Equal(image.Digest, fetched.Digest);
            Assert.Equal(image.Manifest, fetched.Content);
        }
    }

    [Fact]
    public async Task Unknown_tag_is_manifest_unknown_naming_the_reference()
    {
        using var client = Client();
        await TestImage.Create().PushAsync(client, "manifests/known", "v1");
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("manifests/known", "nope"));
        Assert.Equal(RegistryErrorKind.ManifestUnknown, e.Kind);
        Assert.Equal($"manifest unknown: {registries.Anonymous.Host}/manifests/known:nope", e.Message);
    }

    [Fact]
    public async Task Manifest_with_a_missing_blob_is_refused_by_the_registry()
    {
        using var client = Client();
        var image = TestImage.Create();
        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            client.PutManifestAsync("manifests/missing", "v1", image.Manifest, image.MediaType));
        Assert.Contains($"{registries.Anonymous.Host}/manifests/missing:v1", e.Message);
    }

    [Fact]
    public async Task A_manifest_altered_in_storage_is_a_digest_error_by_tag_and_by_digest()
    {
        using var client = Client();
        var image = TestImage.Create();
        await image.PushAsync(client, "manifests/altered", "v1");
        var path = registries.Anonymous.BlobDataPath(image.Digest);
        var text = await File.ReadAllTextAsync(path);
        var size = $"\"size\":{image.Layers[0].Descriptor.Size}";
        Assert.Contains(size, text);
        await File.WriteAllTextAsync(path, text.Replace(size, $"\"size\":{image.Layers[0].Descriptor.Size + 1}"));

        var byTag = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("manifests/altered", "v1"));
        Assert.Equal(RegistryErrorKind.DigestMismatch, byTag.Kind);
        var byDigest = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("manifests/altered", image.Digest));
        Assert.Equal(RegistryErrorKind.DigestMismatch, byDigest.Kind);
        Assert.Contains($"{registries.Anonymous.Host}/manifests/altered@{image.Digest}", byDigest.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Index_resolves_to_the_manifest_of_the_requested_platform(bool oci)
    {
        using var client = Client();
        var amd64 = TestImage.Create(oci, "amd64");
        var arm64 = TestImage.Create(oci, "arm64", "v8");
        var armv7 = TestImage.Create(oci, "arm", "v7");
        var armv6 = TestImage.Create(oci, "arm", "v6");
        foreach (var image in new[] { amd64, arm64, armv7, armv6 })
            await image.PushAsync(client, "manifests/multi", null);
        var (index, mediaType) = TestImage.IndexOf(oci, amd64, arm64, armv7, armv6);
        var tag = oci ? "oci" : "docker";
        await client.PutManifestAsync("manifests/multi", tag, index, mediaType);

        async Task<string> Resolve(string platform) =>
            (await client.ResolvePlatformAsync("manifests/multi", tag, PlatformSpec.Parse(platform))).Manifest.Digest;

        Assert.Equal(amd64.Digest, await Resolve("linux/amd64"));
        Assert.Equal(arm64.Digest, await Resolve("linux/arm64"));
        Assert.Equal(arm64.Digest, await Resolve("linux/aarch64"));
        Assert.Equal(armv7.Digest, await Resolve("linux/arm"));
        Assert.Equal(armv6.Digest, await Resolve("linux/arm/v6"));
        Assert.Equal(amd64.Digest, await Resolve("linux/amd64/v3"));

        var resolved = await client.ResolvePlatformAsync("manifests/multi", tag);
        Assert.Equal(mediaType, resolved.Root.MediaType);
        Assert.Equal(TestBlob.DigestOf(index), resolved.Root.Digest);
        var host = PlatformSpec.Default();
        var expected = host.Architecture == "arm64" ? arm64 : amd64;
        Assert.Equal(expected.Digest, resolved.Manifest.Digest);

        var e = await Assert.ThrowsAsync<RegistryException>(() => Resolve("windows/amd64"));
        Assert.Equal(RegistryErrorKind.ManifestUnknown, e.Kind);
        Assert.Equal($"no matching manifest for windows/amd64 in the manifest list entries: {registries.Anonymous.Host}/manifests/multi:{tag}", e.Message);
    }

    [Fact]
    public async Task A_plain_manifest_resolves_to_itself()
    {
        using var client = Client();
        var image = TestImage.Create(architecture: "s390x");
        await image.PushAsync(client, "manifests/single", "v1");
        var resolved = await client.ResolvePlatformAsync("manifests/single", "v1");
        Assert.Same(resolved.Root, resolved.Manifest);
        Assert.Equal(image.Digest, resolved.Manifest.Digest);
        Assert.Contains("s390x", Encoding.UTF8.GetString(image.Config.Content));
        Assert.Equal(MediaTypes.OciManifest, resolved.Manifest.MediaType);
    }
}
