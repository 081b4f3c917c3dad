namespace Img.Engine.Context.StatCache;

/// <summary>
/// What must be unchanged for a cached content digest to be trusted: any write changes size,
/// mtime or ctime; a replaced file changes the inode; chmod/chown/xattr changes move ctime and
/// mode/owner are compared as well.
/// </summary>
internal readonly record struct StatKey(
    long Size,
    long ModificationTimeNs,
    long ChangeTimeNs,
    ulong Inode,
    int Mode,
    int Uid,
    int Gid);
