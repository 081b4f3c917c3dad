using System.Diagnostics;
using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;
using Img.Engine.Registry;
using Img.Engine.RemoteCache;
using Img.Engine.Solver;
using Img.Engine.Transfer;
using Img.Node.Remote;

namespace Img.Cli.Commands.Build.Caching;

/// <summary>
/// Delivers an image that came whole from a cache import (the export vertex's record hit): its
/// manifest and config are brought here (small; the image id is printed); its layers only when an
/// output reads them (the local store, <c>-o</c> archives and directories). <c>--push</c> pushes
/// from here: a layer the target has, or can mount from the cache's repository of the same
/// registry, is never downloaded; anything else is fetched from the cache on demand
/// (<see cref="FetchingContentStore"/>). With only <c>--push</c>, the image is not named in the
/// local store (its layers are not here).
/// </summary>
internal static class ImportedImageDelivery
{
    public static async Task DeliverAsync(BuildOutputs outputs, BuildRequest request, CacheResult target, IProgressStep exporter, IContentStore local,
        RegistryClients registries, ICacheSourceResolver sources, CancellationToken ct)
    {
        var imported = target.Imported ?? throw new ArgumentException("not an imported result", nameof(target));
        var manifest = target.Image ?? throw new UserFacingException("the build produced no image");
        var content = new FetchingContentStore(local, sources.Open(imported.Source));
        await content.EnsureAsync(manifest, ct);
        var document = await content.ReadJsonAsync<ImageManifest>(manifest, ct);
        await content.EnsureAsync(document.Config, ct);
        if (!request.Push || request.Outputs.Any(o => o.Type != OutputType.Registry))
        {
            exporter.Status("fetching layers from the cache");
            await Parallel.ForEachAsync(document.Layers, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
                async (layer, c) => await content.EnsureAsync(layer, c));
        }
        var location = CacheLocation.Parse(imported.Source);
        await outputs.DeliverAsync(request, manifest, exporter, ct,
            (tags, step, c) => PushAsync(tags, manifest, location, content, registries, step, c));
    }

    private static async Task PushAsync(IReadOnlyList<ImageReference> tags, Descriptor manifest, CacheLocation location, IContentStore content,
        RegistryClients registries, IProgressStep step, CancellationToken ct)
    {
        var images = new MemoryImageStore();
        var labels = location.Kind == CacheLocationKind.Registry
            ? new Dictionary<string, string> { [ImageLabels.Source] = $"{location.Registry}/{location.Repository}" }
            : null;
        var pusher = new ImagePusher(registries, content, images);
        foreach (var tag in tags)
        {
            var clock = Stopwatch.StartNew();
            await images.PutAsync(new Image { Name = tag.ToString(), Target = manifest, Labels = labels }, ct);
            await pusher.PushAsync(tag, ct);
            step.Status($"pushing manifest for {tag}@{manifest.Digest}", clock.Elapsed);
        }
    }
}
