namespace Img.Engine.Registry;

/// <summary>
/// The result of platform resolution: <see cref="Root"/> is what the reference points at (an index
/// or a manifest), <see cref="Manifest"/> the image manifest chosen for the platform (the same
/// object when the reference already names a manifest).
/// </summary>
public sealed record ResolvedManifest(FetchedManifest Root, FetchedManifest Manifest);
