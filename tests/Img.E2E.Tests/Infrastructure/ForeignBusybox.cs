using Img.Engine.Tests.Fixtures;

namespace Img.E2E.Tests.Infrastructure;

/// <summary>
/// The multi-platform base image of the E2E tests, made from Debian's <c>busybox-static</c> of each
/// architecture (<see cref="ForeignArchitecture"/>), never from a public registry.
/// </summary>
public static class ForeignBusybox
{
    /// <summary>
    /// A state whose <c>busybox:latest</c> is an index for linux/amd64 and linux/arm64, built by img
    /// itself (FROM scratch, COPY of each architecture's rootfs by TARGETARCH): the base image of
    /// multi-platform tests.
    /// </summary>
    public static async Task<ImgCli> MultiArchStateAsync(ImgFixture fixture)
    {
        var arm64 = await ForeignArchitecture.BusyboxAsync("arm64");
        var ctx = ContextDir.Create(fixture, """
            FROM scratch
            ARG TARGETARCH
            COPY rootfs-$TARGETARCH/ /
            """);
        await ForeignArchitecture.WriteRootfsAsync(Path.Join(ctx, "rootfs-amd64"), ImgFixture.BusyboxPath);
        await ForeignArchitecture.WriteRootfsAsync(Path.Join(ctx, "rootfs-arm64"), arm64);
        var img = await fixture.NewStateAsync(withBusybox: false);
        (await img.BuildAsync(ctx, "--platform", "linux/amd64,linux/arm64", "-t", "busybox:latest")).AssertSuccess();
        return img;
    }
}
