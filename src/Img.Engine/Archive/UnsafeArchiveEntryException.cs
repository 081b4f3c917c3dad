namespace Img.Engine.Archive;

/// <summary>A tar entry that would write outside the target root, or is otherwise unusable. Nothing outside the root was touched.</summary>
public sealed class UnsafeArchiveEntryException(string entryName, string reason)
    : Exception($"refusing tar entry \"{entryName}\": {reason}")
{
    public string EntryName { get; } = entryName;
}
