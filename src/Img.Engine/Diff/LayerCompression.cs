namespace Img.Engine.Diff;

/// <summary>How a layer blob is compressed (BuildKit's <c>compression=</c> values, estargz aside).</summary>
public enum LayerCompression
{
    /// <summary>The plain tar (<c>application/vnd.oci.image.layer.v1.tar</c>); <c>compression=uncompressed</c>.</summary>
    None,

    /// <summary>gzip (<c>...tar+gzip</c>), written as independent members in parallel (<see cref="ParallelGzipStream"/>).</summary>
    Gzip,

    /// <summary>zstd (<c>...tar+zstd</c>), one frame compressed by libzstd's worker threads.</summary>
    Zstd,
}
