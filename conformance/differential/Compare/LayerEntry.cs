namespace Img.Differential;

/// <summary>What the comparison looks at in one tar entry of a layer. Modification times are
/// kept but only compared when asked (they differ between two builds unless
/// SOURCE_DATE_EPOCH pins them).</summary>
internal sealed record LayerEntry(
    string Path,
    string Type,
    string Mode,
    int Uid,
    int Gid,
    string LinkName,
    long Size,
    string? ContentSha256,
    string Xattrs,
    long MtimeUnix);
