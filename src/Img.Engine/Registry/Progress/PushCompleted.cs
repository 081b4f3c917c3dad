using Img.Engine.References;

namespace Img.Engine.Registry.Progress;

/// <summary>The registry has every blob and the manifest (or index) under the reference's tag.</summary>
/// <param name="Digest">The pushed manifest's (or index's) digest.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record PushCompleted(ImageReference Reference, string Digest, long Size) : TransferEvent(Reference);
