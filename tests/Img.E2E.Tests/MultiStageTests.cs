using Img.E2E.Tests.Infrastructure;

namespace Img.E2E.Tests;

/// <summary>Stages by name and index, --target, and stages the target does not need.</summary>
[Collection(E2ECollection.Name)]
public sealed class MultiStageTests(ImgFixture fixture)
{
    [Fact]
    public async Task Target_BuildsOnlyWhatItNeeds_CopyFromNameAndIndex()
    {
        var img = await fixture.NewStateAsync();
        var ctx = ContextDir.Create(fixture, """
            FROM busybox AS first
            RUN echo from-first > /first.txt

            FROM busybox AS builder
            RUN mkdir -p /out/sub && echo built > /out/sub/artifact.txt && chmod 750 /out/sub

            FROM busybox AS broken
            RUN echo unused-stage-ran && exit 1

            FROM busybox AS final
            COPY --from=builder /out /copied
            COPY --from=0 /first.txt /from-index.txt
            COPY --from=busybox /etc/group /from-image-group

            FROM broken AS after
            RUN echo after
            """);
        var build = (await img.BuildAsync(ctx, "-t", "e2e/multi", "--target", "final")).AssertSuccess();
        Assert.DoesNotContain("unused-stage-ran", build.Error);
        Assert.DoesNotContain("exit 1", build.Error);

        var fs = await img.UnpackAsync("e2e/multi");
        Assert.Equal("built\n", fs.Text("/copied/sub/artifact.txt"));
        Assert.Equal("750", fs["/copied/sub"].Mode);
        Assert.Equal("from-first\n", fs.Text("/from-index.txt"));
        Assert.Contains("extra:x:1001:app", fs.Text("/from-image-group"));
        Assert.False(fs.Has("/first.txt"));
        // busybox's layer + 3 COPY layers
        Assert.Equal(4, (await img.LayersAsync("e2e/multi")).Count);

        var failing = (await img.BuildAsync(ctx, "-t", "e2e/multi-broken")).AssertFailure();
        Assert.Contains("unused-stage-ran", failing.Error);
        Assert.Contains("exit code: 1", failing.Error);
    }
}
