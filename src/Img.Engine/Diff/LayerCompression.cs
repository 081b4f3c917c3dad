namespace Img.Engine.Diff;

/// <summary>How a layer blob is compressed.</summary>
public enum LayerCompression
{
    /// <summary>The plain tar (<c>application/vnd.oci.image.layer.v1.tar</c>).</summary>
    None,

    /// <summary>gzip (<c>...tar+gzip</c>); written in parallel blocks when more than one core is used.</summary>
    Gzip,
}
