using Img.Engine.Oci;

namespace Img.Engine.RemoteCache;

/// <summary>
/// Where a cache export reads the blobs it writes: this process's content store, the node that
/// made them, or the cache they were imported from (a record carried forward).
/// </summary>
public interface ICacheExportSource
{
    /// <summary>Opens a blob for copying (bringing it here first when it lives elsewhere).</summary>
    Task<Stream> OpenAsync(Descriptor blob, CancellationToken ct);

    /// <summary>A repository of <paramref name="registry"/> known to hold the blob (a cross-repository mount saves its upload), or null.</summary>
    string? MountSource(Descriptor blob, string registry);
}
