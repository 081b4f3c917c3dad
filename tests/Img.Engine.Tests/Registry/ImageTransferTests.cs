using Img.Engine.Content;
using Img.Engine.Content.Local;
using Img.Engine.Images.Local;
using Img.Engine.Oci;
using Img.Engine.Platforms;
using Img.Engine.References;
using Img.Engine.Registry;
using Img.Engine.Registry.Credentials;
using Img.Engine.Registry.Progress;
using Img.Engine.Tests.Fixtures;
using Xunit;

namespace Img.Engine.Tests.Registry;

/// <summary><see cref="ImagePuller"/> and <see cref="ImagePusher"/> between the real registries and local stores.</summary>
[Collection(RegistryCollection.Name)]
public sealed class ImageTransferTests(RegistryFixture registries) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("img-transfer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (LocalContentStore Content, LocalImageStore Images) Stores(string name) =>
        (new LocalContentStore(Path.Combine(_dir, name, "content")), new LocalImageStore(Path.Combine(_dir, name, "images")));

    private static RegistryClients Clients(RegistryCredential? credential = null) =>
        new(new RegistryClientOptions
        {
            Credentials = credential is null ? null : new StaticCredentials(credential),
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        });

    private static async Task<byte[]> ReadAsync(IContentProvider content, Descriptor d) => await content.ReadAllBytesAsync(d);

    [Fact]
    public async Task Pull_selects_the_platform_stores_verified_blobs_and_tags_the_image()
    {
        using var clients = Clients();
        var client = clients.Get(registries.Anonymous.Host);
        var amd64 = TestImage.Create(true, "amd64", layers: 3);
        var arm64 = TestImage.Create(true, "arm64", layers: 2);
        await amd64.PushAsync(client, "transfer/pull", null);
        await arm64.PushAsync(client, "transfer/pull", null);
        var (index, mediaType) = TestImage.IndexOf(true, amd64, arm64);
        var indexDigest = await client.PutManifestAsync("transfer/pull", "v1", index, mediaType);

        var (content, images) = Stores("pull");
        var progress = new RecordingProgress();
        var puller = new ImagePuller(clients, content, images, progress);
        var reference = ImageReference.Parse($"{registries.Anonymous.Host}/transfer/pull:v1");
        var result = await puller.PullAsync(reference, PlatformSpec.Parse("linux/arm64"));

        Assert.Equal(indexDigest, result.RootDigest);
        Assert.Equal(3, result.BlobsDownloaded);
        Assert.Equal(arm64.Digest, result.Image.Target.Digest);
        Assert.Equal("arm64", result.Image.Target.Platform?.Architecture);
        Assert.Equal(indexDigest, result.Image.Labels![ImageLabels.IndexDigest]);
        Assert.Equal(arm64.Manifest, await ReadAsync(content, result.Image.Target));
        foreach (var blob in arm64.Layers.Append(arm64.Config))
            Assert.Equal(blob.Content, await ReadAsync(content, blob.Descriptor));
        Assert.False(await content.ExistsAsync(amd64.Layers[0].Descriptor));
        Assert.Equal(result.Image.Target.Digest, (await images.GetAsync(reference.ToString()))?.Target.Digest);
        Assert.Equal(new PullStarted(reference), progress.Events[0]);
        Assert.Equal(new PullCompleted(reference, indexDigest, Updated: true), progress.Events[^1]);
        var downloaded = progress.Blobs(BlobTransferState.Downloaded);
        Assert.Equal(arm64.Layers.Append(arm64.Config).Select(b => b.Digest).Order(), downloaded.Select(b => b.Blob.Digest).Order());
        Assert.Equal([arm64.Config.Digest], downloaded.Where(b => b.IsConfig).Select(b => b.Blob.Digest));
        Assert.All(downloaded, b => Assert.Equal(b.Blob.Size, (arm64.Layers.Append(arm64.Config).Single(x => x.Digest == b.Blob.Digest)).Content.Length));

        var progressAgain = new RecordingProgress();
        var again = await new ImagePuller(clients, content, images, progressAgain).PullAsync(reference, PlatformSpec.Parse("linux/arm64"));
        Assert.Equal(0, again.BlobsDownloaded);
        Assert.False(again.Updated);
        Assert.Equal(3, progressAgain.Blobs(BlobTransferState.FoundLocally).Count);
        Assert.Equal(new PullCompleted(reference, indexDigest, Updated: false), progressAgain.Events[^1]);
    }

    [Fact]
    public async Task Pull_of_a_corrupted_layer_fails_and_stores_neither_blob_nor_image()
    {
        using var clients = Clients();
        var client = clients.Get(registries.Anonymous.Host);
        var image = TestImage.Create(layers: 2);
        await image.PushAsync(client, "transfer/corrupt", "v1");
        var path = registries.Anonymous.BlobDataPath(image.Layers[1].Digest);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^5] ^= 1;
        await File.WriteAllBytesAsync(path, bytes);

        var (content, images) = Stores("corrupt");
        var reference = ImageReference.Parse($"{registries.Anonymous.Host}/transfer/corrupt:v1");
        var e = await Assert.ThrowsAsync<RegistryException>(() => new ImagePuller(clients, content, images).PullAsync(reference));
        Assert.Equal(RegistryErrorKind.DigestMismatch, e.Kind);
        Assert.False(await content.ExistsAsync(image.Layers[1].Descriptor));
        Assert.Null(await images.GetAsync(reference.ToString()));
        Assert.Empty(await images.ListAsync());
    }

    [Fact]
    public async Task Push_sends_blobs_then_manifest_reports_each_blob_and_mounts_on_retag()
    {
        using var clients = Clients(new RegistryCredential(RegistryFixture.User, RegistryFixture.Password));
        var seed = clients.Get(registries.Anonymous.Host);
        var image = TestImage.Create(false, layers: 2);
        await image.PushAsync(seed, "transfer/source", "v1");

        // Pull into a local store from the anonymous registry, push to the token registry.
        var (content, images) = Stores("push");
        var source = ImageReference.Parse($"{registries.Anonymous.Host}/transfer/source:v1");
        var pulled = await new ImagePuller(clients, content, images).PullAsync(source);
        var target = ImageReference.Parse($"{registries.Token.Host}/transfer/pushed:v2");
        await images.PutAsync(pulled.Image with { Name = target.ToString(), Labels = null });

        var progress = new RecordingProgress();
        var pusher = new ImagePusher(clients, content, images, progress);
        var result = await pusher.PushAsync(target);
        Assert.Equal(image.Digest, result.Digest);
        Assert.Equal(3, result.BlobsUploaded);
        Assert.Equal(new PushStarted(target), progress.Events[0]);
        Assert.Equal(new PushCompleted(target, image.Digest, image.Manifest.Length), progress.Events[^1]);
        Assert.Equal(3, progress.Blobs(BlobTransferState.Uploaded).Count);
        Assert.Contains(progress.Blobs(BlobTransferState.Uploaded), b => b.Blob.Digest == image.Layers[0].Digest && !b.IsConfig);

        var fetched = await clients.Get(registries.Token.Host).GetManifestAsync("transfer/pushed", "v2");
        Assert.Equal(image.Manifest, fetched.Content);
        Assert.Equal(MediaTypes.DockerManifest, fetched.MediaType);

        // Pushing again: everything is there.
        var again = await pusher.PushAsync(target);
        Assert.Equal(3, again.BlobsAlreadyPresent);
        Assert.Equal(3, progress.Blobs(BlobTransferState.FoundInRegistry).Count);

        // A copy pulled from the token registry and pushed to another repository there mounts.
        var (content2, images2) = Stores("push2");
        var pulledBack = await new ImagePuller(clients, content2, images2).PullAsync(target);
        var retag = ImageReference.Parse($"{registries.Token.Host}/transfer/retagged:v3");
        await images2.PutAsync(pulledBack.Image with { Name = retag.ToString() });
        var mounted = await new ImagePusher(clients, content2, images2, progress).PushAsync(retag);
        Assert.Equal(3, mounted.BlobsMounted);
        Assert.All(progress.Blobs(BlobTransferState.Mounted), b => Assert.Equal("transfer/pushed", b.MountedFrom));
        Assert.Equal(3, progress.Blobs(BlobTransferState.Mounted).Count);
    }

    [Fact]
    public async Task Pull_of_every_platform_keeps_the_index_whole_and_push_sends_it_whole()
    {
        using var clients = Clients();
        var client = clients.Get(registries.Anonymous.Host);
        var amd64 = TestImage.Create(true, "amd64", layers: 2);
        var arm64 = TestImage.Create(true, "arm64", variant: "v8", layers: 1);
        var s390x = TestImage.Create(true, "s390x", layers: 1);
        await amd64.PushAsync(client, "transfer/multi", null);
        await arm64.PushAsync(client, "transfer/multi", null);
        await s390x.PushAsync(client, "transfer/multi", null);
        // A nested index (as some registries serve attestation groups) is kept too.
        var (inner, innerType) = TestImage.IndexOf(true, s390x);
        var innerDigest = await client.PutManifestAsync("transfer/multi", TestBlob.DigestOf(inner), inner, innerType);
        var root = new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [amd64.Descriptor, arm64.Descriptor, new Descriptor { MediaType = innerType, Digest = innerDigest, Size = inner.Length }],
        };
        var rootBytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(root);
        var indexDigest = await client.PutManifestAsync("transfer/multi", "v1", rootBytes, MediaTypes.OciIndex);

        var (content, images) = Stores("multi");
        var progress = new RecordingProgress();
        var reference = ImageReference.Parse($"{registries.Anonymous.Host}/transfer/multi:v1");
        var pulled = await new ImagePuller(clients, content, images, progress).PullAllPlatformsAsync(reference);

        Assert.Equal(indexDigest, pulled.RootDigest);
        Assert.Equal(indexDigest, pulled.Image.Target.Digest);
        Assert.Equal(MediaTypes.OciIndex, pulled.Image.Target.MediaType);
        Assert.Equal(7, pulled.BlobsDownloaded); // 4 layers + 3 configs
        Assert.Equal(rootBytes, await ReadAsync(content, pulled.Image.Target));
        Assert.Equal(inner, await ReadAsync(content, new Descriptor { MediaType = innerType, Digest = innerDigest, Size = inner.Length }));
        foreach (var image in new[] { amd64, arm64, s390x })
        {
            Assert.Equal(image.Manifest, await ReadAsync(content, image.Descriptor));
            foreach (var blob in image.Layers.Append(image.Config))
                Assert.Equal(blob.Content, await ReadAsync(content, blob.Descriptor));
        }
        Assert.Equal(3, progress.Blobs(BlobTransferState.Downloaded).Count(b => b.IsConfig));
        // The local store reads one platform of it, as for any index.
        var resolved = await Img.Engine.Images.ImageResolver.ResolveAsync(content, pulled.Image, PlatformSpec.Parse("linux/arm64"));
        Assert.Equal(arm64.Digest, resolved.ManifestDescriptor.Digest);

        // Pushed again under another repository of the same registry: the same index, every child, blobs mounted.
        var target = ImageReference.Parse($"{registries.Anonymous.Host}/transfer/multi-copy:v2");
        await images.PutAsync(pulled.Image with { Name = target.ToString() });
        var pushed = await new ImagePusher(clients, content, images).PushAsync(target);
        Assert.Equal(indexDigest, pushed.Digest);
        Assert.Equal(7, pushed.BlobsMounted);
        Assert.Equal(rootBytes, (await client.GetManifestAsync("transfer/multi-copy", "v2")).Content);
        Assert.Equal(inner, (await client.GetManifestAsync("transfer/multi-copy", innerDigest)).Content);
        foreach (var image in new[] { amd64, arm64, s390x })
        {
            Assert.Equal(image.Manifest, (await client.GetManifestAsync("transfer/multi-copy", image.Digest)).Content);
            foreach (var blob in image.Layers.Append(image.Config))
                Assert.True(await client.BlobExistsAsync("transfer/multi-copy", blob.Digest));
        }
    }

    [Fact]
    public async Task A_built_index_is_pushed_from_the_content_store_without_an_image_record()
    {
        using var clients = Clients();
        var amd64 = TestImage.Create(true, "amd64");
        var arm64 = TestImage.Create(true, "arm64");
        var (content, images) = Stores("built");
        foreach (var image in new[] { amd64, arm64 })
        {
            foreach (var blob in image.Layers.Append(image.Config))
                await content.WriteBlobAsync(blob.Content, Digest.Parse(blob.Digest));
            await content.WriteBlobAsync(image.Manifest, Digest.Parse(image.Digest));
        }
        var (index, mediaType) = TestImage.IndexOf(true, amd64, arm64);
        var indexDigest = Digest.Compute(index);
        await content.WriteBlobAsync(index, indexDigest);

        var target = ImageReference.Parse($"{registries.Anonymous.Host}/transfer/built:v1");
        var result = await new ImagePusher(clients, content, images)
            .PushAsync(target, new Descriptor { MediaType = mediaType, Digest = indexDigest.ToString(), Size = index.Length }, mountFrom: null);
        Assert.Equal(indexDigest.ToString(), result.Digest);
        Assert.Equal(4, result.BlobsUploaded);
        var client = clients.Get(registries.Anonymous.Host);
        Assert.Equal(index, (await client.GetManifestAsync("transfer/built", "v1")).Content);
        Assert.Equal(arm64.Digest, (await client.ResolvePlatformAsync("transfer/built", "v1", PlatformSpec.Parse("linux/arm64"))).Manifest.Digest);
        Assert.Empty(await images.ListAsync());
    }

    [Fact]
    public async Task Push_of_an_unknown_local_image_names_it()
    {
        using var clients = Clients();
        var (content, images) = Stores("unknown");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new ImagePusher(clients, content, images).PushAsync(ImageReference.Parse($"{registries.Anonymous.Host}/nothing/here:v1")));
        Assert.Equal($"An image does not exist locally with the tag: {registries.Anonymous.Host}/nothing/here", e.Message);
    }
}
