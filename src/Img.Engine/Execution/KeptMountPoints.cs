namespace Img.Engine.Execution;

/// <summary>
/// The container's own filesystems (<c>/proc</c>, <c>/dev</c>, <c>/sys</c> and what is mounted
/// inside them): when the image lacks their mount points, the runtime creates them and they stay
/// in the step's layer. BuildKit (0.8, 0.11 and HEAD alike, executor/stubs.go) removes only the
/// stubs of <c>/etc/hosts</c>, <c>/etc/resolv.conf</c> and of the step's own <c>--mount</c>
/// targets, so a base image without <c>/proc</c> gets it in its first RUN layer; img's layers
/// must match (the differential harness against buildkitd v0.11.6 showed the three directories).
/// </summary>
public static class KeptMountPoints
{
    private static readonly string[] Roots = ["/proc", "/dev", "/sys"];

    /// <summary>True when a mount at <paramref name="destination"/> leaves its mount point in the layer.</summary>
    public static bool Contains(string destination)
    {
        var path = "/" + destination.Trim('/');
        foreach (var root in Roots)
            if (path == root || path.StartsWith(root + "/", StringComparison.Ordinal)) return true;
        return false;
    }
}
