using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Solver;

/// <summary>
/// What a finished vertex produced, as recorded in the build cache under its <see cref="CacheKey"/>:
/// a reference to a committed snapshot and, when it has been exported, its layer. Small and
/// serialisable: it travels in messages and is persisted, never the data itself.
/// </summary>
/// <param name="SnapshotId">The committed snapshot holding the output filesystem ("" when the vertex has none).</param>
/// <param name="Layer">The compressed layer blob in the content store, once diffed.</param>
/// <param name="DiffId">The uncompressed layer digest (the image config's <c>rootfs.diff_ids</c> entry).</param>
/// <param name="Image">Export vertices: the image manifest produced.</param>
/// <param name="Location">Where the snapshot lives (a node's blob endpoint); "" = this process.</param>
/// <param name="Imported">
/// A result of a cache import (<c>--cache-from</c>), not of this cluster: <paramref name="SnapshotId"/> is "" and
/// <paramref name="Location"/> "" until a node fetches its layers (<c>RemoteCache.ImportedResultFetcher</c>) and
/// replaces it by a local result; <paramref name="Image"/> is set for an export vertex's image.
/// </param>
public sealed record CacheResult(string SnapshotId, Descriptor? Layer = null, Digest? DiffId = null, Descriptor? Image = null, string Location = "",
    ImportedResult? Imported = null);
