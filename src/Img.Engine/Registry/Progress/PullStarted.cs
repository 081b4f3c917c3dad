using Img.Engine.References;

namespace Img.Engine.Registry.Progress;

/// <summary>A pull of <see cref="TransferEvent.Reference"/> begins, before its manifest is resolved.</summary>
public sealed record PullStarted(ImageReference Reference) : TransferEvent(Reference);
