using Img.Engine.Mounts;
using Img.Engine.Snapshots;

namespace Img.Engine.Tests.Snapshots;

/// <summary>A scratch directory under /var/tmp (same filesystem kind as a real state dir), removed with everything mounted below it.</summary>
public sealed class TestDirectory : IDisposable
{
    public TestDirectory(string prefix = "img-test")
    {
        Path = System.IO.Path.Join("/var/tmp", $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name)
    {
        string p = System.IO.Path.Join(Path, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        // Unmount anything left below (deepest first), then delete.
        var mounts = File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' ')[4])
            .Where(m => m.StartsWith(Path + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.Length);
        foreach (string m in mounts)
        {
            Mounter.TryUnmount(m);
        }
        try
        {
            TreeRemover.RemoveAll(Path);
        }
        catch (IOException)
        {
        }
    }
}
