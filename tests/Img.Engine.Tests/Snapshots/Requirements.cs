using Img.Engine.Mounts;
using Img.Engine.Snapshots.FuseOverlay;

namespace Img.Engine.Tests.Snapshots;

/// <summary>Environment checks that fail a test with a clear message (never skip silently).</summary>
public static class Requirements
{
    public static void Root()
    {
        if (!UserNamespace.IsRoot)
        {
            throw new InvalidOperationException("this test needs root (mounts, runc): run the test suite as root");
        }
    }

    public static void FuseOverlay()
    {
        Root();
        string? problem = FuseOverlayBackend.Probe();
        if (problem is not null)
        {
            throw new InvalidOperationException($"fuse-overlayfs tests cannot run: {problem}. Install the Debian packages fuse-overlayfs and fuse3 and provide /dev/fuse.");
        }
    }

    public static void Runc()
    {
        Root();
        if (Mounter.FindProgram("runc") is null)
        {
            throw new InvalidOperationException("runc is not installed: apt-get install runc");
        }
    }
}
