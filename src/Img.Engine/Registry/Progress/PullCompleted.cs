using Img.Engine.References;

namespace Img.Engine.Registry.Progress;

/// <summary>Every blob is stored and the name points at the image.</summary>
/// <param name="Digest">What the reference resolved to at the registry (the index when there is one).</param>
/// <param name="Updated">Whether the name pointed elsewhere (or nowhere) before.</param>
public sealed record PullCompleted(ImageReference Reference, string Digest, bool Updated) : TransferEvent(Reference);
