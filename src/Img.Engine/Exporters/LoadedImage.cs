using Img.Engine.Content;
using Img.Engine.Oci;
using Img.Engine.References;

namespace Img.Engine.Exporters;

/// <summary>An image <see cref="ImageArchiveReader"/> found and stored.</summary>
/// <param name="Name">The name the archive gives it, or null for an untagged image.</param>
/// <param name="Target">The manifest (or index) to name, committed to the content store.</param>
/// <param name="Id">The config digest, when the target is a manifest.</param>
public sealed record LoadedImage(ImageReference? Name, Descriptor Target, Digest? Id);
