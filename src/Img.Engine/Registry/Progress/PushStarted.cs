using Img.Engine.References;

namespace Img.Engine.Registry.Progress;

/// <summary>A push of <see cref="TransferEvent.Reference"/> begins, once the local image is found.</summary>
public sealed record PushStarted(ImageReference Reference) : TransferEvent(Reference);
