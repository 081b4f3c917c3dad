namespace Img.Engine.Diff;

/// <summary>The version of the way img turns a tar into a layer blob.</summary>
public static class LayerBlobFormat
{
    /// <summary>
    /// Part of every remembered layer's key, so a blob written by an older img (another gzip
    /// member layout, say) is not reused for a build whose blobs must be byte-identical to a
    /// fresh export. v2: 1 MiB gzip members, incompressible members stored. v3: opaque
    /// directories diffed into one whiteout per lower entry instead of <c>.wh..wh..opq</c>;
    /// on kernel overlayfs, files named <c>.wh.*</c> kept as files; directories whose only change
    /// is their mtime, and files that only gained a link, left out (BuildKit's comparison).
    /// </summary>
    public const string Version = "v3";
}
