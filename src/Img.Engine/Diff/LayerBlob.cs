namespace Img.Engine.Diff;

/// <summary>A written layer blob.</summary>
/// <param name="DiffId">sha256 of the uncompressed tar (the image config's <c>rootfs.diff_ids</c> entry).</param>
/// <param name="Digest">sha256 of the blob as written (the manifest's layer digest).</param>
/// <param name="Size">Blob size in bytes.</param>
/// <param name="UncompressedSize">Tar size in bytes.</param>
public sealed record LayerBlob(string DiffId, string Digest, long Size, long UncompressedSize, string MediaType);
