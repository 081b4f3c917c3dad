using Img.Engine.Oci;

namespace Img.Engine.Worker.Export;

/// <summary>
/// Reconciles an image config's history with the layers actually exported, with BuildKit's rules
/// (<c>exporter/containerimage/writer.go</c>, <c>normalizeLayersAndHistory</c> and <c>patchImageConfig</c>):
/// <list type="number">
/// <item>more non-empty history entries than layers: the extra ones (from the top) become empty;</item>
/// <item>more layers than non-empty entries: entries are added for the extra layers (the step's
/// description, <c>buildkit.exporter.image.v0</c>);</item>
/// <item>a layer that changes nothing (an empty tar) is kept, its entry not <c>empty_layer</c>: BuildKit
/// stopped dropping such layers in v0.10 (moby/buildkit d67243ed), and dockerd never did;</item>
/// <item>entries without a time take their layer's commit time, then the first new layer's time
/// (config-only steps), or the previous entry's;</item>
/// <item>with SOURCE_DATE_EPOCH, any time missing or later than it becomes it.</item>
/// </list>
/// </summary>
public static class HistoryNormalizer
{
    public const string ExporterComment = "buildkit.exporter.image.v0";

    public static (IReadOnlyList<ExportedLayer> Layers, IReadOnlyList<HistoryEntry> History) Normalize(
        IReadOnlyList<HistoryEntry>? configHistory, IReadOnlyList<ExportedLayer> layers, DateTimeOffset? epoch)
    {
        var history = (configHistory ?? []).ToList();
        var layerList = layers.ToList();
        var historyLayers = history.Count(h => !h.EmptyLayer);

        if (historyLayers > layerList.Count)
        {
            var seen = 0;
            for (var i = 0; i < history.Count; i++)
            {
                if (seen >= layerList.Count)
                    history[i] = history[i] with { EmptyLayer = true };
                if (!history[i].EmptyLayer)
                    seen++;
            }
        }
        else if (layerList.Count > historyLayers)
        {
            foreach (var extra in layerList.Skip(historyLayers))
            {
                history.Add(new HistoryEntry
                {
                    Created = extra.Created,
                    CreatedBy = extra.Description.Length == 0 ? "created by buildkit" : extra.Description,
                    Comment = ExporterComment,
                });
            }
        }

        var commitTimes = layerList.Select(l => l.Created).ToList();
        var layerIndex = 0;
        for (var i = 0; i < history.Count; i++)
        {
            var h = history[i];
            if (h.EmptyLayer)
                continue;
            if (h.Created is null)
                history[i] = h with { Created = commitTimes[layerIndex] };
            layerIndex++;
        }

        // Config-only entries: the first time that follows an entry without one, else the last time seen.
        DateTimeOffset? created = null;
        var missing = false;
        foreach (var h in history)
        {
            if (h.Created is not null)
            {
                created = h.Created;
                if (missing)
                    break;
            }
            else
            {
                missing = true;
            }
        }
        missing = false;
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i].Created is not null)
            {
                if (missing)
                    created = history[i].Created;
            }
            else
            {
                missing = true;
                history[i] = history[i] with { Created = created };
            }
        }

        if (epoch is { } e)
        {
            for (var i = 0; i < history.Count; i++)
            {
                if (history[i].Created is not { } t || t > e)
                    history[i] = history[i] with { Created = e };
            }
        }
        return (layerList, history);
    }
}
