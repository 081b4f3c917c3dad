using Img.Engine.Snapshots;

namespace Img.Engine.Tests.Snapshots;

public sealed class FuseOverlaySnapshotterTests : SnapshotterConformanceTests
{
    protected override void CheckEnvironment() => Requirements.FuseOverlay();

    protected override ISnapshotter Create(string root) => SnapshotterFactory.Create("fuse-overlayfs", root).Snapshotter;
}
