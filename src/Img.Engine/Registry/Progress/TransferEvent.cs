using Img.Engine.References;

namespace Img.Engine.Registry.Progress;

/// <summary>
/// What <see cref="ImagePuller"/> and <see cref="ImagePusher"/> report while they move an image:
/// facts (which blob, how many bytes, what happened to it), never text. Whoever shows progress
/// renders them (the CLI prints docker's lines). Blobs move in parallel, so reports arrive on
/// several threads at once and a sink must be thread-safe and quick.
/// </summary>
public abstract record TransferEvent(ImageReference Reference);
