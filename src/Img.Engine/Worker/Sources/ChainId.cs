using System.Text;
using Img.Engine.Content;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// containerd's chain IDs: the identity of a stack of layers. The first layer's chain ID is its
/// diffID; each next one is <c>sha256(parentChainID + " " + diffID)</c>. Unpacked layers are
/// committed under their chain ID, so every image sharing a stack shares the snapshots.
/// </summary>
public static class ChainId
{
    public static Digest Next(Digest? parent, Digest diffId) =>
        parent is not { } p ? diffId : Digest.Compute(Encoding.ASCII.GetBytes(p + " " + diffId));

    /// <summary>Chain IDs of every prefix of <paramref name="diffIds"/>, bottom first.</summary>
    public static IReadOnlyList<Digest> Of(IReadOnlyList<Digest> diffIds)
    {
        var result = new List<Digest>(diffIds.Count);
        Digest? chain = null;
        foreach (var d in diffIds)
        {
            chain = Next(chain, d);
            result.Add(chain.Value);
        }
        return result;
    }
}
