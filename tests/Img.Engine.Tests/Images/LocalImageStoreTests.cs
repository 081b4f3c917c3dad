using Img.Engine.Images;
using Img.Engine.Images.Local;
using Img.Engine.Oci;
using Img.Engine.References;
using Xunit;

namespace Img.Engine.Tests.Images;

public sealed class LocalImageStoreTests : IDisposable
{
    private const string Hex = "7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";
    private readonly string _root = Directory.CreateTempSubdirectory("img-images-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Image Busybox(string name = "docker.io/library/busybox:latest") => new()
    {
        Name = name,
        Target = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = "sha256:" + Hex, Size = 10 },
        Labels = new Dictionary<string, string> { ["k"] = "v" },
    };

    [Fact]
    public async Task Put_get_list_delete()
    {
        var store = new LocalImageStore(_root);
        var stored = await store.PutAsync(Busybox());
        Assert.NotEqual(default, stored.CreatedAt);
        var got = await store.GetAsync("docker.io/library/busybox:latest");
        Assert.NotNull(got);
        Assert.Equal(stored.Target, got.Target);
        Assert.Equal("v", got.Labels!["k"]);
        Assert.Equal(stored.CreatedAt, got.CreatedAt);

        await store.TagAsync(got, ImageReference.Parse("localhost:5000/bb:v1"));
        var names = (await store.ListAsync()).Select(i => i.Name).ToList();
        Assert.Equal(["docker.io/library/busybox:latest", "localhost:5000/bb:v1"], names);

        Assert.True(await store.DeleteAsync(ImageReference.Parse("busybox")));
        Assert.False(await store.DeleteAsync("docker.io/library/busybox:latest"));
        Assert.Null(await store.GetAsync("docker.io/library/busybox:latest"));
        // A new store instance sees the persisted state.
        Assert.Single(await new LocalImageStore(_root).ListAsync());
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }

    [Fact]
    public async Task Replacing_keeps_created_and_moves_updated()
    {
        var time = new ManualTime(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new LocalImageStore(_root, time);
        var first = await store.PutAsync(Busybox());
        time.Advance(TimeSpan.FromHours(1));
        var second = await store.PutAsync(Busybox() with { Target = Busybox().Target with { Size = 11 } });
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal(first.UpdatedAt + TimeSpan.FromHours(1), second.UpdatedAt);
        Assert.Equal(11, (await store.GetAsync(Busybox().Name))!.Target.Size);
        Assert.Empty(Directory.GetFiles(_root, "*.tmp"));
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("docker.io/library/busybox")]
    [InlineData("Busybox:latest")]
    public async Task Names_must_be_canonical_references(string name)
    {
        var store = new LocalImageStore(_root);
        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync(Busybox(name)));
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public async Task Target_digest_must_be_valid()
    {
        var store = new LocalImageStore(_root);
        var bad = Busybox() with { Target = Busybox().Target with { Digest = "md5:abc" } };
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync(bad));
    }

    [Fact]
    public async Task Stale_temp_records_are_ignored_and_cleaned()
    {
        var stale = Path.Combine(_root, ".dead.tmp");
        await File.WriteAllTextAsync(stale, "{ half");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        var store = new LocalImageStore(_root);
        Assert.Empty(await store.ListAsync());
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task Concurrent_puts_of_different_names_all_land()
    {
        var store = new LocalImageStore(_root);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(async () => await store.PutAsync(Busybox($"docker.io/library/busybox:t{i}")))));
        Assert.Equal(20, (await store.ListAsync()).Count);
    }
}
