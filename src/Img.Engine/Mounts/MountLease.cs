namespace Img.Engine.Mounts;

/// <summary>Mounts applied at <see cref="Directory"/>; disposing unmounts them (and removes a temporary directory).</summary>
public sealed class MountLease : IDisposable
{
    private readonly bool _deleteDirectory;
    private bool _disposed;

    internal MountLease(string directory, bool deleteDirectory)
    {
        Directory = directory;
        _deleteDirectory = deleteDirectory;
    }

    /// <summary>The directory the mounts are visible at.</summary>
    public string Directory { get; }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Mounter.Unmount(Directory);
        if (_deleteDirectory)
        {
            System.IO.Directory.Delete(Directory);
        }
    }
}
