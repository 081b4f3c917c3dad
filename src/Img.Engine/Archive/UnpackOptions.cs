namespace Img.Engine.Archive;

/// <summary>How <see cref="SafeUnpacker"/> applies ownership and special files.</summary>
public sealed record UnpackOptions
{
    /// <summary>Set owners from the tar (lchown). Default: when running as root (uid 0, also inside a user namespace).</summary>
    public bool? Chown { get; init; }

    /// <summary>Create block and character devices. Default: when running as root; otherwise they are skipped with a note.</summary>
    public bool? CreateDeviceNodes { get; init; }

    /// <summary>
    /// Owner given to every entry instead of the tar's (ADD --chown of a local archive). Applied
    /// whether or not <see cref="Chown"/> is set.
    /// </summary>
    public (int Uid, int Gid)? Owner { get; init; }

    /// <summary>Sniff and undo compression; off when the stream is already a plain tar.</summary>
    public bool Decompress { get; init; } = true;

    /// <summary>Apply OCI whiteouts (<c>.wh.*</c>). Off only to extract a tar as plain files.</summary>
    public bool ApplyWhiteouts { get; init; } = true;
}
