using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Registry;

[Collection(RegistryCollection.Name)]
public sealed class RegistryBlobTests(RegistryFixture registries)
{
    private static RegistryClientOptions Options => new() { RetryBaseDelay = TimeSpan.FromMilliseconds(10) };

    [Fact]
    public async Task Monolithic_push_then_exists_then_skip_then_verified_get()
    {
        using var handler = new RecordingHandler();
        using var client = new RegistryClient(registries.Anonymous.Host, Options with { Handler = handler });
        var blob = TestBlob.Random(100_000);
        Assert.False(await client.BlobExistsAsync("blobs/mono", blob.Digest));
        Assert.Equal(BlobPushResult.Uploaded, await client.PushBlobAsync("blobs/mono", blob.Descriptor, blob.Opener));
        Assert.DoesNotContain(handler.Requests, r => r.Method == HttpMethod.Patch);
        Assert.Contains(handler.Requests, r => r.Method == HttpMethod.Put && r.PathAndQuery.Contains("digest=sha256%3A"));
        Assert.True(await client.BlobExistsAsync("blobs/mono", blob.Digest));
        Assert.Equal(BlobPushResult.AlreadyExists, await client.PushBlobAsync("blobs/mono", blob.Descriptor, blob.Opener));

        var copy = new MemoryStream();
        Assert.Equal(blob.Content.Length, await client.GetBlobAsync("blobs/mono", blob.Descriptor, copy));
        Assert.Equal(blob.Content, copy.ToArray());
    }

    [Fact]
    public async Task Big_blobs_go_up_in_patch_chunks_with_content_range()
    {
        using var handler = new RecordingHandler();
        using var client = new RegistryClient(registries.Anonymous.Host,
            Options with { Handler = handler, MonolithicUploadLimit = 10_000, ChunkSize = 4096 });
        var blob = TestBlob.Random(10_000);
        Assert.Equal(BlobPushResult.Uploaded, await client.PushBlobAsync("blobs/chunked", blob.Descriptor, blob.Opener));
        var patches = handler.Requests.Where(r => r.Method == HttpMethod.Patch).Select(r => r.ContentRange).ToList();
        Assert.Empty(patches); // at the limit: still monolithic

        var big = TestBlob.Random(10_001);
        Assert.Equal(BlobPushResult.Uploaded, await client.PushBlobAsync("blobs/chunked", big.Descriptor, big.Opener));
        patches = handler.Requests.Where(r => r.Method == HttpMethod.Patch).Select(r => r.ContentRange).ToList();
        Assert.Equal(["0-4095", "4096-8191", "8192-10000"], patches);

        var copy = new MemoryStream();
        await client.GetBlobAsync("blobs/chunked", big.Descriptor, copy);
        Assert.Equal(big.Content, copy.ToArray());
    }

    [Fact]
    public async Task Chunked_upload_works_with_token_auth()
    {
        using var client = new RegistryClient(registries.Token.Host, Options with
        {
            Credentials = new StaticCredentials(new RegistryCredential(RegistryFixture.User, RegistryFixture.Password)),
            MonolithicUploadLimit = 1000,
            ChunkSize = 700,
        });
        var blob = TestBlob.Random(5000);
        Assert.Equal(BlobPushResult.Uploaded, await client.PushBlobAsync("blobs/token-chunked", blob.Descriptor, blob.Opener));
        var copy = new MemoryStream();
        await client.GetBlobAsync("blobs/token-chunked", blob.Descriptor, copy);
        Assert.Equal(blob.Content, copy.ToArray());
    }

    [Fact]
    public async Task Cross_repository_mount_links_without_upload()
    {
        using var handler = new RecordingHandler();
        using var client = new RegistryClient(registries.Anonymous.Host, Options with { Handler = handler });
        var blob = TestBlob.Random(50_000);
        await client.PushBlobAsync("blobs/mount-source", blob.Descriptor, blob.Opener);
        handler.Requests.Clear();
        Assert.Equal(BlobPushResult.Mounted,
            await client.PushBlobAsync("blobs/mount-target", blob.Descriptor, blob.Opener, mountFrom: "blobs/mount-source"));
        Assert.Contains(handler.Requests, r => r.Method == HttpMethod.Post
            && r.PathAndQuery.Contains($"mount={Uri.EscapeDataString(blob.Digest)}&from=blobs%2Fmount-source"));
        Assert.DoesNotContain(handler.Requests, r => r.Method == HttpMethod.Put || r.Method == HttpMethod.Patch);
        Assert.True(await client.BlobExistsAsync("blobs/mount-target", blob.Digest));
    }

    [Fact]
    public async Task Mount_from_a_repository_without_the_blob_falls_back_to_upload()
    {
        using var client = new RegistryClient(registries.Anonymous.Host, Options);
        var blob = TestBlob.Random(1000);
        Assert.Equal(BlobPushResult.Uploaded,
            await client.PushBlobAsync("blobs/mount-fallback", blob.Descriptor, blob.Opener, mountFrom: "blobs/nowhere"));
        Assert.True(await client.BlobExistsAsync("blobs/mount-fallback", blob.Digest));
    }

    [Fact]
    public async Task Mount_on_a_token_registry_asks_for_the_source_pull_scope()
    {
        using var client = new RegistryClient(registries.Token.Host, Options with
        {
            Credentials = new StaticCredentials(new RegistryCredential(RegistryFixture.User, RegistryFixture.Password)),
        });
        var blob = TestBlob.Random(3000);
        await client.PushBlobAsync("blobs/token-src", blob.Descriptor, blob.Opener);
        Assert.Equal(BlobPushResult.Mounted,
            await client.PushBlobAsync("blobs/token-dst", blob.Descriptor, blob.Opener, mountFrom: "blobs/token-src"));
        Assert.Contains(registries.TokenService.Requests, r =>
            r.Scopes.Contains("repository:blobs/token-dst:pull,push") && r.Scopes.Contains("repository:blobs/token-src:pull"));
    }

    [Fact]
    public async Task A_corrupted_blob_in_registry_storage_is_a_digest_error()
    {
        using var client = new RegistryClient(registries.Anonymous.Host, Options);
        var blob = TestBlob.Random(4096);
        await client.PushBlobAsync("blobs/corrupt", blob.Descriptor, blob.Opener);
        var path = registries.Anonymous.BlobDataPath(blob.Digest);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[1234] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes);

        var sink = new MemoryStream();
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetBlobAsync("blobs/corrupt", blob.Descriptor, sink));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.Contains($"digest mismatch for {registries.Anonymous.Host}/blobs/corrupt@{blob.Digest}", e.Message);
    }

    [Fact]
    public async Task A_blob_longer_than_its_descriptor_is_refused()
    {
        using var client = new RegistryClient(registries.Anonymous.Host, Options);
        var blob = TestBlob.Random(2000);
        await client.PushBlobAsync("blobs/size", blob.Descriptor, blob.Opener);
        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetBlobAsync("blobs/size", blob.Descriptor with { Size = 1999 }, new MemoryStream()));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.Contains("size mismatch", e.Message);
    }

    [Fact]
    public async Task An_unknown_blob_is_named_in_the_error()
    {
        using var client = new RegistryClient(registries.Anonymous.Host, Options);
        var blob = TestBlob.Random(10);
        var e = await Assert.ThrowsAsync<RegistryException>(() => client.GetBlobAsync("blobs/unknown", blob.Descriptor, new MemoryStream()));
        Assert.Equal(RegistryErrorKind.BlobUnknown, e.Kind);
        Assert.Equal($"blob unknown: {registries.Anonymous.Host}/blobs/unknown@{blob.Digest}", e.Message);
    }

    [Fact]
    public async Task Content_that_does_not_match_its_descriptor_is_rejected_by_the_registry()
    {
        using var client = new RegistryClient(registries.Anonymous.Host, Options);
        var claimed = TestBlob.Random(500);
        var actual = TestBlob.Random(500);
        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            client.PushBlobAsync("blobs/lie", claimed.Descriptor, actual.Opener));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.False(await client.BlobExistsAsync("blobs/lie", claimed.Digest));
    }
}
