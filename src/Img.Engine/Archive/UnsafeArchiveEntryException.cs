namespace Img.Engine.Archive;

/// <summary>
/// A tar entry that would write outside the target root (or cannot be placed inside it: a
/// symlink loop, a file where a directory is needed). Nothing outside the root was touched.
/// </summary>
public sealed class UnsafeArchiveEntryException : Exception
{
    public UnsafeArchiveEntryException(string entryName, string reason, Exception? inner = null)
        : base($"refusing tar entry \"{entryName}\": {reason}", inner)
    {
        EntryName = entryName;
    }

    /// <summary>The entry's raw name in the tar.</summary>
    public string EntryName { get; }
}
