using System.Globalization;
using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.Snapshots;

namespace Img.Engine.Worker.Export;

/// <summary>
/// Walks a snapshot's lineage (BuildKit's <c>LayerChain</c>): follow parents down to the first
/// snapshot; a snapshot labelled as an unpacked image layer is that layer's blob, a merge
/// snapshot is the concatenation of the lineages it stacks, any other snapshot is one layer
/// (its diff over its parent).
/// </summary>
public static class LayerChain
{
    public static IReadOnlyList<ChainLayer> Resolve(ISnapshotter snapshotter, string? top)
    {
        var result = new List<ChainLayer>();
        Append(snapshotter, top, result, 0);
        return result;
    }

    private static void Append(ISnapshotter snapshotter, string? name, List<ChainLayer> result, int depth)
    {
        if (name is null)
            return;
        if (depth > 4096)
            throw new InvalidOperationException($"snapshot lineage of {name} is too deep");
        // Collect the parent chain first (iteratively), then emit bottom first.
        var chain = new List<SnapshotInfo>();
        for (var current = name; current is not null;)
        {
            var info = snapshotter.Stat(current);
            chain.Add(info);
            if (info.Labels.ContainsKey(SnapshotLabels.Merge))
                break;
            current = info.Parent;
        }
        chain.Reverse();
        foreach (var info in chain)
        {
            if (info.Labels.TryGetValue(SnapshotLabels.Merge, out var merged))
            {
                foreach (var part in merged.Split(',', StringSplitOptions.RemoveEmptyEntries))
                    Append(snapshotter, part, result, depth + 1);
                continue;
            }
            info.Labels.TryGetValue(SnapshotLabels.Description, out var description);
            var created = CreatedOf(info);
            if (info.Labels.TryGetValue(SnapshotLabels.LayerDigest, out var digest))
            {
                var blob = new Descriptor
                {
                    MediaType = info.Labels.GetValueOrDefault(SnapshotLabels.LayerMediaType, MediaTypes.OciLayerGzip),
                    Digest = digest,
                    Size = long.Parse(info.Labels.GetValueOrDefault(SnapshotLabels.LayerSize, "0"), CultureInfo.InvariantCulture),
                };
                result.Add(new ChainLayer(info.Key, info.Parent, blob, Digest.Parse(info.Labels[SnapshotLabels.LayerDiffId]), description ?? "", created));
            }
            else
            {
                result.Add(new ChainLayer(info.Key, info.Parent, null, null, description ?? "", created));
            }
        }
    }

    private static DateTimeOffset CreatedOf(SnapshotInfo info) =>
        info.Labels.TryGetValue(SnapshotLabels.Created, out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var created)
            ? created
            : info.Created;
}
