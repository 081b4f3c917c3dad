namespace Img.Engine.Snapshots;

/// <summary>The snapshotter <see cref="SnapshotterFactory"/> opened, and why it was chosen (for <c>--debug</c>).</summary>
public sealed record SnapshotterSelection(ISnapshotter Snapshotter, string Reason)
{
    public string Name => Snapshotter.Name;
}
