using Img.Engine.Mounts;

namespace Img.Engine.Diff;

/// <summary>
/// Computes the changes between two filesystem trees as an OCI layer: an uncompressed tar of
/// added and modified entries, with whiteouts (<c>.wh.NAME</c>) for deletions. Like BuildKit's
/// differs, none writes the opaque marker <c>.wh..wh..opq</c>: a directory replaced wholesale
/// gets one whiteout per lower entry that is gone (appliers still honour the marker).
/// <para>
/// <paramref name="lower"/> presents the parent (empty list: no parent), <paramref name="upper"/>
/// the changed tree, both as snapshot mounts (not mounted by the caller). Entries come in
/// a fixed order: sorted names, depth first, every directory before its contents, and each
/// changed entry preceded by its parent directories.
/// </para>
/// </summary>
public interface IDiffComparer
{
    /// <summary>Writes the layer tar to <paramref name="output"/>; returns what was written.</summary>
    Task<DiffSummary> CompareAsync(IReadOnlyList<Mount> lower, IReadOnlyList<Mount> upper, Stream output, DiffOptions options, CancellationToken ct = default);
}
