namespace Img.Engine.Snapshots;

/// <summary>A snapshot operation was refused (missing key, key exists, wrong kind, has children, ...).</summary>
public class SnapshotException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>No snapshot with the given key or name exists.</summary>
public sealed class SnapshotNotFoundException(string key)
    : SnapshotException($"snapshot {key} does not exist")
{
    public string Key { get; } = key;
}
