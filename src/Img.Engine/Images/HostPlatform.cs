using System.Runtime.InteropServices;
using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>
/// The platform of the machine img runs on, in OCI terms (<c>linux/amd64</c> on x86_64), and the
/// <c>--platform</c> syntax (<c>os/arch[/variant]</c>).
/// </summary>
public static class HostPlatform
{
    /// <summary>This machine's platform.</summary>
    public static Platform Current { get; } = FromArchitecture(RuntimeInformation.OSArchitecture);

    /// <summary>The OCI platform for a .NET architecture, on Linux.</summary>
    public static Platform FromArchitecture(Architecture architecture) => architecture switch
    {
        Architecture.X64 => new Platform { Os = "linux", Architecture = "amd64" },
        Architecture.Arm64 => new Platform { Os = "linux", Architecture = "arm64" },
        Architecture.Arm or Architecture.Armv6 => new Platform { Os = "linux", Architecture = "arm", Variant = architecture == Architecture.Arm ? "v7" : "v6" },
        Architecture.X86 => new Platform { Os = "linux", Architecture = "386" },
        Architecture.S390x => new Platform { Os = "linux", Architecture = "s390x" },
        Architecture.Ppc64le => new Platform { Os = "linux", Architecture = "ppc64le" },
        Architecture.RiscV64 => new Platform { Os = "linux", Architecture = "riscv64" },
        Architecture.LoongArch64 => new Platform { Os = "linux", Architecture = "loong64" },
        _ => new Platform { Os = "linux", Architecture = architecture.ToString().ToLowerInvariant() },
    };

    /// <summary>Parses <c>os/arch[/variant]</c> (<c>linux/arm64</c>, <c>linux/arm/v7</c>).</summary>
    /// <exception cref="FormatException">Not of that shape.</exception>
    public static Platform Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
            throw new FormatException($"invalid platform \"{text}\": expected os/arch[/variant], e.g. linux/amd64");
        var arch = parts[1].ToLowerInvariant() switch
        {
            "x86_64" or "x86-64" => "amd64",
            "aarch64" => "arm64",
            var a => a,
        };
        return new Platform { Os = parts[0].ToLowerInvariant(), Architecture = arch, Variant = parts.Length == 3 ? parts[2] : null };
    }

    /// <summary>True when <paramref name="candidate"/> satisfies <paramref name="wanted"/> (a variant is only compared when wanted names one).</summary>
    public static bool Matches(Platform candidate, Platform wanted) =>
        candidate.Os == wanted.Os && candidate.Architecture == wanted.Architecture &&
        (string.IsNullOrEmpty(wanted.Variant) || candidate.Variant == wanted.Variant);
}
