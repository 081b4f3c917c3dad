namespace Img.Engine.Diff;

/// <summary>What a diff wrote: tar entries (whiteouts included) and uncompressed tar bytes.</summary>
public sealed record DiffSummary(int Entries, long TarBytes);
