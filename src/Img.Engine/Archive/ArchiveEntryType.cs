namespace Img.Engine.Archive;

/// <summary>The kinds of file a layer tar can carry.</summary>
public enum ArchiveEntryType
{
    RegularFile,
    Directory,
    SymbolicLink,
    HardLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
}
