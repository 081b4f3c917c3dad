using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Worker.Export;

/// <summary>
/// One layer of a result's lineage, bottom first: either a base image layer whose blob is known
/// (<see cref="Blob"/> and <see cref="DiffId"/> set, reused byte for byte), or a build step whose
/// layer is the diff of <see cref="Snapshot"/> over <see cref="Parent"/>.
/// </summary>
/// <param name="Description">The step's progress name (history of layers the config does not account for).</param>
/// <param name="Created">When the snapshot was committed (history time of the layer).</param>
public sealed record ChainLayer(string Snapshot, string? Parent, Descriptor? Blob, Digest? DiffId, string Description, DateTimeOffset Created)
{
    public bool IsBaseLayer => Blob is not null;
}
