using Img.Engine.Archive;
using Img.Engine.Content;

namespace Img.Engine.Images;

/// <summary>
/// <c>img unpack</c>: applies an image's layers, bottom first, onto a directory with
/// <see cref="SafeUnpacker"/> (whiteouts applied, nothing written outside the directory), and
/// checks each layer's diffID against the config.
/// </summary>
public static class ImageUnpacker
{
    /// <exception cref="InvalidDataException">A layer's uncompressed digest is not the config's diffID.</exception>
    public static async ValueTask<IReadOnlyList<UnpackResult>> UnpackAsync(IContentProvider content, ResolvedImage image, string root, UnpackOptions? options = null, CancellationToken cancellationToken = default)
    {
        var results = new List<UnpackResult>();
        var diffIds = image.Config.RootFs.DiffIds;
        for (var i = 0; i < image.Manifest.Layers.Count; i++)
        {
            var layer = image.Manifest.Layers[i];
            await using var reader = await content.OpenAsync(layer, cancellationToken).ConfigureAwait(false);
            var result = await SafeUnpacker.ApplyAsync(reader.Stream, root, options, cancellationToken).ConfigureAwait(false);
            if (i < diffIds.Count && diffIds[i] != result.DiffId.ToString())
                throw new InvalidDataException($"layer {layer.Digest}: uncompressed digest {result.DiffId} is not the config's diffID {diffIds[i]}");
            results.Add(result);
        }
        return results;
    }
}
