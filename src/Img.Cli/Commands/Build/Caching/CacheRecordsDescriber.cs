using Img.Cli.Commands.Build.Backends;
using Img.Engine.Diff;
using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Img.Engine.Transfer;
using Img.Engine.Worker.Export;
using Img.Messages.Builds.Events;

namespace Img.Cli.Commands.Build.Caching;

/// <summary>
/// Turns the records a build reported (<see cref="BuildCompleted.CacheRecords"/>) into a
/// <see cref="CacheDescription"/> for one export: results made by this build are published where
/// they are (their layers as blobs, step layers in the export's compression), records imported
/// from a cache are carried forward as that cache described them, export vertices name their
/// image. Every blob's whereabouts go to <see cref="ExportBlobs"/>.
/// </summary>
internal sealed class CacheRecordsDescriber(IBuildBackend backend, CacheImports imports, ExportBlobs blobs)
{
    public async Task<CacheDescription> DescribeAsync(IReadOnlyList<ExportedCacheRecord> records, CacheExportMode mode, LayerCompressionOptions? compression,
        CachePushTarget? push, CancellationToken ct)
    {
        var selected = records.Where(r => mode == CacheExportMode.Max || r.Minimal).ToList();
        var layers = CacheLayers.Options(compression);
        var made = selected.Where(r => !r.IsImage && r.Result.Imported is null)
            .Select(r => r.Result).DistinctBy(r => (r.SnapshotId, r.Location)).ToList();
        if (push is not null)
        {
            // the images of export records go up with the layers, from where they are
            var images = selected.Where(r => r.IsImage && r.Result.Imported is null).Select(r => r.Result).ToList();
            push = push with { Images = images.Select(r => r.Image!).ToArray(), ImagesLocation = images.FirstOrDefault()?.Location ?? "" };
        }
        var published = await backend.PublishResultsAsync(made, layers, push, ct);
        var lineages = new Dictionary<(string, string), ResultManifest>();
        for (var i = 0; i < made.Count; i++)
        {
            lineages[(made[i].SnapshotId, made[i].Location)] = published[i];
            foreach (var layer in published[i].Layers)
                blobs.Locate(layer.Blob, made[i].Location);
        }
        var builder = new CacheDescriptionBuilder();
        foreach (var record in selected)
        {
            var inputs = record.Inputs.Select(k => k.Value).ToArray();
            var result = record.Result;
            if (result.Imported is { } imported)
            {
                if (imports.RecordOf(imported) is { } known)
                    builder.Add(known.Record with { Inputs = inputs }, known.Description);
            }
            else if (record.IsImage)
            {
                blobs.Locate(result.Image!, result.Location);
                builder.AddImage(record.Key.Value, inputs, result.Image);
            }
            else
            {
                builder.Add(record.Key.Value, inputs, lineages[(result.SnapshotId, result.Location)]);
            }
        }
        return builder.Build();
    }
}
