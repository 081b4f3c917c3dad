using System.Globalization;
using System.Text;
using Img.Engine.Content;
using Img.Engine.Worker.Sources;

namespace Img.Engine.Transfer;

/// <summary>
/// The names a consumer gives the snapshots of a fetched lineage, so that equal stacks are stored
/// once per node:
/// <list type="bullet">
/// <item>base layers with only base layers below: the chain ID (<see cref="ChainId"/>), the very
/// snapshot <see cref="LayerChainUnpacker"/> makes for the image, so a base is shared by every
/// result and every local <c>FROM</c> on this node;</item>
/// <item>anything above a step layer: <c>transfer-&lt;hex&gt;</c>, where a step's identity is
/// <c>sha256("step " + parent identity + " " + diffID + " " + sha256(description, created, base manifest))</c>
/// and a base layer's is the chain ID step over its parent's identity.</item>
/// </list>
/// Step layers get names of their own because a chain ID says nothing of how a layer was made: an
/// image layer with the same diffID must stay an image layer (its blob reused as is), a step
/// layer must be diffed again for another SOURCE_DATE_EPOCH, and two steps with equal content
/// (two empty RUNs) still differ in history. The identity includes the step's history metadata for
/// the same reason.
/// </summary>
internal static class ResultSnapshotNames
{
    public const string Prefix = "transfer-";

    /// <summary>One name per layer of <paramref name="manifest"/>, bottom first; the last is the result's.</summary>
    public static IReadOnlyList<string> Of(ResultManifest manifest)
    {
        var names = new List<string>(manifest.Layers.Count);
        Digest? identity = null;
        var pure = true;
        foreach (var layer in manifest.Layers)
        {
            var diffId = Digest.Parse(layer.DiffId);
            if (layer.Kind == ResultLayerKind.Base)
            {
                identity = ChainId.Next(identity, diffId);
            }
            else
            {
                identity = Digest.Compute(Encoding.UTF8.GetBytes($"step {identity} {diffId} {StepMetadata(layer)}"));
                pure = false;
            }
            names.Add(pure ? identity.Value.ToString() : Prefix + identity.Value.Hex);
        }
        return names;
    }

    private static Digest StepMetadata(ResultLayer layer) =>
        Digest.Compute(Encoding.UTF8.GetBytes(string.Join('\n',
            layer.Description.Length.ToString(CultureInfo.InvariantCulture), layer.Description,
            layer.Created.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            layer.BaseManifest ?? "")));
}
