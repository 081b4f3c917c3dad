using Img.Engine.Oci;
using Img.Engine.References;

namespace Img.Engine.Registry.Progress;

/// <summary>One blob of the image is where it has to be.</summary>
/// <param name="Blob">Its digest and size (the bytes moved, unless it was already there).</param>
/// <param name="IsConfig">The image config rather than a layer (docker prints no line for it).</param>
/// <param name="MountedFrom">For <see cref="BlobTransferState.Mounted"/>, the repository it was mounted from.</param>
public sealed record BlobTransferred(ImageReference Reference, Descriptor Blob, BlobTransferState State, bool IsConfig, string? MountedFrom = null)
    : TransferEvent(Reference);
