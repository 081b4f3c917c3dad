using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>
/// One build on each snapshotter gives the same image: identical file trees and layer entries
/// (names, types, modes, owners, sizes, links), and identical diffIDs for the layers whose times
/// all come from the context. Times written during the build (RUN, directories COPY creates)
/// differ between builds: <c>img build</c> takes no SOURCE_DATE_EPOCH yet.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class BackendTests(ImgFixture fixture)
{
    private const string Dockerfile = """
        FROM busybox
        COPY --chmod=0640 a.txt /data/a.txt
        COPY dir /tree/
        RUN mkdir -p /made/deep && echo run > /made/deep/f && chmod 700 /made && ln -s /made/deep/f /link && chown 1000:1001 /made/deep/f
        RUN rm /data/a.txt && rm -rf /tree && mkdir /tree && echo new > /tree/new.txt
        COPY a.txt /last.txt
        """;

    [Theory]
    [InlineData("overlayfs")]
    [InlineData("native")]
    [InlineData("fuse-overlayfs")]
    public async Task EveryBackend_BuildsTheSameImage(string backend)
    {
        var built = await BuildAsync(backend);
        var fs = built.Tree;
        Assert.Equal("new\n", fs.Text("/tree/new.txt"));
        Assert.False(fs.Has("/tree/one.txt"));
        Assert.False(fs.Has("/tree/sub"));
        Assert.False(fs.Has("/data/a.txt"));
        Assert.Equal("640", fs["/data"].Mode); // COPY --chmod applies to the parents it creates (BuildKit since fsutil#228)
        Assert.Equal(("700", 1000, 1001), (fs["/made"].Mode, fs["/made/deep/f"].Uid, fs["/made/deep/f"].Gid));
        Assert.Equal("/made/deep/f", fs["/link"].LinkTarget);
        Assert.Equal(6, built.DiffIds.Count);
        Assert.Contains(built.Layers[4], e => e.StartsWith("data/.wh.a.txt ", StringComparison.Ordinal));
        if (backend == "native")
            return;

        var reference = await BuildAsync("native");
        Assert.Equal(reference.Tree.Describe(), fs.Describe());
        // a RUN's removals may be written as an opaque directory (overlay upper dirs) or as one
        // whiteout per removed entry (walking differ), as with BuildKit; everything else is equal
        foreach (var i in new[] { 0, 1, 2, 3, 5 })
            Assert.Equal(reference.Layers[i], built.Layers[i]);
        Assert.Equal(reference.Layers[4].Where(e => !e.Contains("/.wh.", StringComparison.Ordinal)), built.Layers[4].Where(e => !e.Contains("/.wh.", StringComparison.Ordinal)));
        // the base and the COPY layers that create no parent directory carry the context's times only: byte-identical
        foreach (var i in new[] { 0, 2, 5 })
            Assert.True(reference.DiffIds[i] == built.DiffIds[i], $"layer {i}: {reference.DiffIds[i]} != {built.DiffIds[i]}\n{string.Join('\n', reference.Layers[i])}");
    }

    private async Task<(IReadOnlyList<string> DiffIds, IReadOnlyList<IReadOnlyList<string>> Layers, FileTree Tree)> BuildAsync(string backend)
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, Dockerfile, ("a.txt", "A\n"), ("dir/one.txt", "one\n"), ("dir/sub/two.txt", "two\n"));
        var stamp = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        foreach (var path in Directory.EnumerateFileSystemEntries(ctx, "*", SearchOption.AllDirectories).Append(ctx))
            File.SetLastWriteTimeUtc(path, stamp);
        (await img.BuildAsync(ctx, "-t", "e2e/backend", "--backend", backend)).AssertSuccess();
        return (await img.LayersAsync("e2e/backend"), await LayerReader.ReadAsync(img, "e2e/backend"), await img.UnpackAsync("e2e/backend"));
    }
}
