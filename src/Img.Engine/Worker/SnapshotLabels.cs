namespace Img.Engine.Worker;

/// <summary>
/// Labels the worker writes on committed snapshots: the lineage the exporter walks to build an
/// image (which base layer blob a snapshot is, which steps a merge stacks, what a step was).
/// </summary>
public static class SnapshotLabels
{
    /// <summary>Unpacked image layer: the compressed blob's digest.</summary>
    public const string LayerDigest = "img.layer.digest";
    /// <summary>Unpacked image layer: the blob's media type.</summary>
    public const string LayerMediaType = "img.layer.mediatype";
    /// <summary>Unpacked image layer: the blob's size.</summary>
    public const string LayerSize = "img.layer.size";
    /// <summary>Unpacked image layer: the uncompressed digest.</summary>
    public const string LayerDiffId = "img.layer.diffid";
    /// <summary>The manifest of the base image a snapshot descends from (its layer blobs are reused on export).</summary>
    public const string BaseManifest = "img.base.manifest";
    /// <summary>The progress name of the step that made the snapshot (history of extra layers).</summary>
    public const string Description = "img.description";
    /// <summary>
    /// When the step that made the snapshot was committed, where that was another node (a
    /// transferred step layer): the layer's history time, which the snapshot's own creation time would not be.
    /// </summary>
    public const string Created = "img.created";
    /// <summary>Merge snapshots: the snapshots stacked, comma-separated, bottom first; the layers are theirs.</summary>
    public const string Merge = "img.merge";
}
