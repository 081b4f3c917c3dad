using Img.Engine.Snapshots;

namespace Img.Engine.Tests.Snapshots;

public sealed class OverlaySnapshotterTests : SnapshotterConformanceTests
{
    protected override ISnapshotter Create(string root) => SnapshotterFactory.Create("overlayfs", root).Snapshotter;
}
