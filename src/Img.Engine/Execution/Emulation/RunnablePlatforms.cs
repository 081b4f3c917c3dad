using Img.Engine.Oci;

namespace Img.Engine.Execution.Emulation;

/// <summary>
/// The platforms whose programs this host runs: its own, the 32-bit sibling a 64-bit kernel runs
/// natively, and every architecture a binfmt_misc handler with the F flag emulates (what a RUN
/// step in a container can use). A cluster node advertises them, as buildkitd's workers list
/// their platforms, so steps of a platform go to nodes that can run them.
/// </summary>
public static class RunnablePlatforms
{
    /// <summary>Linux platforms, the host's first, then in the order found.</summary>
    public static IReadOnlyList<Platform> Detect(BinfmtMisc binfmt, string hostArchitecture)
    {
        var architectures = new List<string> { hostArchitecture };
        if (hostArchitecture == "amd64")
            architectures.Add("386");
        if (hostArchitecture == "arm64")
            architectures.Add("arm");
        foreach (var handler in binfmt.Handlers())
        {
            if (handler.FixBinary && handler.Offset == 0 && ElfMachine.Architecture(handler.Magic) is { } emulated)
                architectures.Add(emulated);
        }
        return architectures.Distinct(StringComparer.Ordinal)
            .Select(a => new Platform { Os = "linux", Architecture = a, Variant = a == "arm" ? "v7" : null })
            .ToList();
    }

    /// <summary>What this host runs now.</summary>
    public static IReadOnlyList<Platform> OfHost() => Detect(new BinfmtMisc(), Platforms.PlatformSpec.Default().Architecture);
}
