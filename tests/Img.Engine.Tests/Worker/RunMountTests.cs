using System.Formats.Tar;
using Img.Engine.Worker.Exec;
using Xunit;

namespace Img.Engine.Tests.Worker;

/// <summary>RUN --mount: cache, secret, bind and tmpfs, on a real worker.</summary>
public sealed class RunMountTests
{
    [Fact]
    public async Task Cache_mounts_persist_between_builds_and_stay_out_of_layers()
    {
        using var h = await WorkerHarness.CreateAsync();
        await h.BuildAsync("""
            FROM busybox
            RUN --mount=type=cache,target=/cache echo first >> /cache/log
            """);
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox
            RUN --mount=type=cache,target=/cache,sharing=locked echo second >> /cache/log && cp /cache/log /seen
            """);
        var (manifest, _, _) = await h.ReadImageAsync(target.Image!);
        var layer = await h.ReadLayerAsync(manifest.Layers[^1]);
        var seen = layer.Single(e => e.Name == "seen");
        Assert.Equal("first\nsecond\n", seen.Text);
        Assert.DoesNotContain(layer, e => e.Name.StartsWith("cache", StringComparison.Ordinal) && e.Type != TarEntryType.Directory);
    }

    [Fact]
    public async Task A_cache_mount_with_uid_and_mode_gets_them_on_its_directory()
    {
        // BuildKit makes the cache from a "/cache" mkdir with that owner and mode; img kept the
        // seed's content but reset the directory to root 0755 (the harness's bind-from-stage case).
        using var h = await WorkerHarness.CreateAsync();
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox
            RUN --mount=type=cache,id=owned,target=/var/cache/x,uid=1000,gid=1001,mode=0750 stat -c '%u:%g %a' /var/cache/x > /owner
            """);
        var (manifest, _, _) = await h.ReadImageAsync(target.Image!);
        var layer = await h.ReadLayerAsync(manifest.Layers[^1]);
        Assert.Equal("1000:1001 750\n", layer.Single(e => e.Name == "owner").Text);
    }

    [Fact]
    public async Task A_cache_id_with_uid_gid_mode_is_another_cache_than_the_same_id_without()
    {
        // BuildKit keys a cache mount by "id:base ref" and uid=/gid=/mode= give it a base (the
        // "/cache" mkdir): buildkitd v0.11.6 showed the second RUN an empty cache (the harness's
        // cache-mount-options case); img keyed by id alone and showed it "f".
        using var h = await WorkerHarness.CreateAsync();
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox
            RUN --mount=type=cache,id=shared-c,target=/c,uid=1000,gid=1001,mode=0750 echo data > /c/f
            RUN --mount=type=cache,id=shared-c,target=/c ls /c > /plain-list
            RUN --mount=type=cache,id=shared-c,target=/c,uid=1000,gid=1001,mode=0750 ls /c > /owned-list
            """);
        var (manifest, _, _) = await h.ReadImageAsync(target.Image!);
        Assert.Equal("", (await h.ReadLayerAsync(manifest.Layers[^2])).Single(e => e.Name == "plain-list").Text ?? ""); // empty: no "f"
        Assert.Equal("f\n", (await h.ReadLayerAsync(manifest.Layers[^1])).Single(e => e.Name == "owned-list").Text);
    }

    [Fact]
    public async Task Secrets_are_readable_during_the_step_only()
    {
        var secretFile = Path.Join(Path.GetTempPath(), "img-secret-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(secretFile, "s3cr3t");
        try
        {
            using var h = await WorkerHarness.CreateAsync(secrets: new Dictionary<string, string> { ["token"] = secretFile });
            var (_, target, _) = await h.BuildAsync("""
                FROM busybox
                RUN --mount=type=secret,id=token wc -c < /run/secrets/token > /length && stat -c %a /run/secrets/token > /mode
                RUN --mount=type=secret,id=token,env=TOKEN test "$TOKEN" = s3cr3t && touch /env-ok
                """);
            var (manifest, _, _) = await h.ReadImageAsync(target.Image!);
            var first = await h.ReadLayerAsync(manifest.Layers[1]);
            Assert.Equal(["length", "mode"], first.Where(e => e.Type != TarEntryType.Directory).Select(e => e.Name).Order(StringComparer.Ordinal));
            Assert.Equal("6", first.Single(e => e.Name == "length").Text!.Trim());
            Assert.Equal("400", first.Single(e => e.Name == "mode").Text!.Trim());
            Assert.DoesNotContain(first, e => e.Name.StartsWith("run", StringComparison.Ordinal));
            var second = await h.ReadLayerAsync(manifest.Layers[2]);
            Assert.Contains(second, e => e.Name == "env-ok");

            var e = await Assert.ThrowsAsync<SecretNotFoundException>(() => h.BuildAsync("""
                FROM busybox
                RUN --mount=type=secret,id=missing,required=true cat /run/secrets/missing
                """));
            Assert.Equal("secret missing: not found", e.Message);
        }
        finally
        {
            File.Delete(secretFile);
        }
    }

    [Fact]
    public async Task Bind_mounts_read_other_stages_and_the_context_and_tmpfs_is_not_kept()
    {
        using var h = await WorkerHarness.CreateAsync();
        h.WriteContext("src/input.txt", "from context\n");
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox AS data
            RUN echo from stage > /data.txt
            FROM busybox
            RUN --mount=type=bind,from=data,source=/data.txt,target=/mnt/d.txt --mount=type=bind,source=src,target=/src --mount=type=tmpfs,target=/scratch \
                cat /mnt/d.txt /src/input.txt > /both && echo x > /scratch/tmp && ! touch /src/new 2>/dev/null
            """);
        var (manifest, _, _) = await h.ReadImageAsync(target.Image!);
        var layer = await h.ReadLayerAsync(manifest.Layers[^1]);
        Assert.Equal("from stage\nfrom context\n", layer.Single(e => e.Name == "both").Text);
        Assert.DoesNotContain(layer, e => e.Name.StartsWith("scratch/", StringComparison.Ordinal) || e.Name.StartsWith("src/", StringComparison.Ordinal) || e.Name.StartsWith("mnt/", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Join(h.ContextDir, "src/new")));
    }

    [Fact]
    public async Task A_rw_bind_mount_of_the_context_writes_on_a_copy()
    {
        // img bound the client's own directory rw: "rm /ctx/a.txt" deleted the user's file
        // (the harness's bind-rw-discard case); BuildKit writes on a throw-away snapshot.
        using var h = await WorkerHarness.CreateAsync();
        h.WriteContext("src/input.txt", "from context\n");
        h.WriteContext("one.txt", "one\n");
        var (_, target, _) = await h.BuildAsync("""
            FROM busybox
            RUN --mount=type=bind,source=src,target=/src,rw rm /src/input.txt && echo n > /src/new && ls /src > /seen
            RUN --mount=type=bind,source=one.txt,target=/one.txt,rw echo changed > /one.txt
            """);
        var (manifest, _, _) = await h.ReadImageAsync(target.Image!);
        var layer = await h.ReadLayerAsync(manifest.Layers[^2]);
        Assert.Equal("new\n", layer.Single(e => e.Name == "seen").Text);
        Assert.DoesNotContain(layer, e => e.Name.StartsWith("src/", StringComparison.Ordinal));
        Assert.Equal("from context\n", File.ReadAllText(Path.Join(h.ContextDir, "src/input.txt")));
        Assert.False(File.Exists(Path.Join(h.ContextDir, "src/new")));
        Assert.Equal("one\n", File.ReadAllText(Path.Join(h.ContextDir, "one.txt")));
    }
}
