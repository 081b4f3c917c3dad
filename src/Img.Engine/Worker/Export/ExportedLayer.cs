using Img.Engine.Oci;

namespace Img.Engine.Worker.Export;

/// <summary>A layer of the image being written, with what the history needs to know about the step that made it.</summary>
public sealed record ExportedLayer(Descriptor Blob, string DiffId, string Description, DateTimeOffset Created);
