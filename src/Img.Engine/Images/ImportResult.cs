using Img.Engine.Content;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>What <see cref="ImageImporter.ImportAsync"/> stored.</summary>
/// <param name="Manifest">The new manifest (the target to name).</param>
/// <param name="Id">The image id (config digest).</param>
/// <param name="Layer">The gzip layer blob.</param>
/// <param name="DiffId">The layer's uncompressed digest.</param>
public sealed record ImportResult(Descriptor Manifest, Digest Id, Descriptor Layer, Digest DiffId);
