namespace Img.Engine.Archive;

/// <summary>How a layer blob is compressed.</summary>
public enum CompressionKind
{
    None,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
}
