namespace Img.Engine.Worker.Exec;

/// <summary>A cache mount directory in use by one step; disposing releases its sharing lock.</summary>
public sealed class CacheMountLease(string directory, Action release) : IDisposable
{
    private int _disposed;

    public string Directory { get; } = directory;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            release();
    }
}
