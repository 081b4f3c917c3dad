using Img.Engine.Images;
using Img.Engine.References;

namespace Img.Engine.Exporters;

/// <summary>One image to save, with the names it is saved under (none when saved by id).</summary>
public sealed record ArchiveImage(ResolvedImage Image, IReadOnlyList<ImageReference> Names);
