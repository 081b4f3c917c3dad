using Img.Engine.Snapshots;

namespace Img.Engine.Tests.Snapshots;

public sealed class NativeSnapshotterTests : SnapshotterConformanceTests
{
    protected override ISnapshotter Create(string root) => SnapshotterFactory.Create("native", root).Snapshotter;

    protected override bool MergesWithoutCopying => false;
}
