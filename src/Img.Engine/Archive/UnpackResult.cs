using Img.Engine.Content;

namespace Img.Engine.Archive;

/// <summary>What <see cref="SafeUnpacker.ApplyAsync"/> did.</summary>
/// <param name="Entries">Tar entries read (whiteouts included).</param>
/// <param name="Bytes">File data bytes written.</param>
/// <param name="DiffId">sha256 of the uncompressed tar stream (the layer's diffID).</param>
/// <param name="Notes">Things skipped or approximated (device nodes without root, xattrs the file system refused).</param>
public sealed record UnpackResult(int Entries, long Bytes, Digest DiffId, IReadOnlyList<string> Notes);
