using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Img.Engine.Oci;

namespace Img.Engine.Platforms;

/// <summary>
/// Platform strings as containerd's <c>platforms</c> package reads and writes them:
/// <c>linux/amd64</c>, <c>linux/arm/v7</c>, aliases normalised (<c>x86_64</c> → <c>amd64</c>,
/// <c>aarch64</c> → <c>arm64</c>, <c>arm64/v8</c> → <c>arm64</c>).
/// </summary>
public static partial class PlatformSpec
{
    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex Component();

    /// <summary>
    /// The platform this process runs on (linux/&lt;arch&gt;[/variant]): the default build and
    /// target platform, and the platform images are pulled for.
    /// </summary>
    public static Platform Default()
    {
        var (arch, variant) = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => ("amd64", ""),
            Architecture.Arm64 => ("arm64", ""),
            Architecture.X86 => ("386", ""),
            Architecture.Arm => ("arm", "v7"),
            Architecture.Armv6 => ("arm", "v6"),
            Architecture.S390x => ("s390x", ""),
            Architecture.Ppc64le => ("ppc64le", ""),
            Architecture.RiscV64 => ("riscv64", ""),
            Architecture.LoongArch64 => ("loong64", ""),
            var other => (other.ToString().ToLowerInvariant(), ""),
        };
        return Normalize(new Platform { Os = "linux", Architecture = arch, Variant = variant });
    }

    /// <summary>Parses <c>os[/arch[/variant]]</c> or a bare arch; throws <see cref="FormatException"/>.</summary>
    public static Platform Parse(string specifier)
    {
        if (specifier.Contains('*'))
            throw new FormatException($"\"{specifier}\": wildcards not yet supported: invalid argument");
        var parts = specifier.Split('/');
        foreach (var part in parts)
        {
            if (!Component().IsMatch(part))
                throw new FormatException(
                    $"\"{part}\" is an invalid component of \"{specifier}\": platform specifier component must match \"^[A-Za-z0-9_.-]+$\": invalid argument");
        }
        Platform p;
        switch (parts.Length)
        {
            case 1:
                var os = NormalizeOs(parts[0]);
                if (IsKnownOs(os))
                    p = new Platform { Os = os, Architecture = Default().Architecture, Variant = Default().Variant };
                else if (IsKnownArch(NormalizeArch(parts[0], "").Arch))
                    p = new Platform { Os = "linux", Architecture = parts[0] };
                else
                    throw new FormatException($"\"{specifier}\": unknown operating system or architecture: invalid argument");
                break;
            case 2:
                p = new Platform { Os = NormalizeOs(parts[0]), Architecture = parts[1] };
                break;
            case 3:
                p = new Platform { Os = NormalizeOs(parts[0]), Architecture = parts[1], Variant = parts[2] };
                break;
            default:
                throw new FormatException($"\"{specifier}\": cannot parse platform specifier: invalid argument");
        }
        return Normalize(p);
    }

    /// <summary>Normalises OS and architecture names and drops default variants.</summary>
    public static Platform Normalize(Platform p)
    {
        var (arch, variant) = NormalizeArch(p.Architecture, p.Variant ?? "");
        return p with { Os = NormalizeOs(p.Os), Architecture = arch, Variant = variant.Length == 0 ? null : variant };
    }

    /// <summary><c>os/arch[/variant]</c>.</summary>
    public static string Format(Platform p) => p.ToString();

    /// <summary><see cref="Format"/> plus <c>(osversion)</c> when an OS version is set (<c>platforms.FormatAll</c>).</summary>
    public static string FormatAll(Platform p) =>
        string.IsNullOrEmpty(p.OsVersion) ? Format(p) : $"{Format(p)}({p.OsVersion})";

    private static string NormalizeOs(string os)
    {
        var lower = os.ToLowerInvariant();
        return lower == "macos" ? "darwin" : lower;
    }

    private static bool IsKnownOs(string os) => os is "aix" or "android" or "darwin" or "dragonfly" or "freebsd" or "hurd"
        or "illumos" or "ios" or "js" or "linux" or "nacl" or "netbsd" or "openbsd" or "plan9" or "solaris" or "wasip1" or "windows" or "zos";

    private static bool IsKnownArch(string arch) => arch is "386" or "amd64" or "arm" or "arm64" or "loong64" or "mips" or "mipsle"
        or "mips64" or "mips64le" or "ppc64" or "ppc64le" or "riscv64" or "s390x" or "wasm";

    private static (string Arch, string Variant) NormalizeArch(string arch, string variant)
    {
        arch = arch.ToLowerInvariant();
        variant = variant.ToLowerInvariant();
        switch (arch)
        {
            case "i386":
                return ("386", "");
            case "x86_64" or "x86-64" or "amd64":
                return ("amd64", variant == "v1" ? "" : variant);
            case "aarch64" or "arm64":
                return ("arm64", variant is "8" or "v8" or "v8.0" ? "" : variant);
            case "armhf":
                return ("arm", "v7");
            case "armel":
                return ("arm", "v6");
            case "arm":
                return ("arm", variant switch
                {
                    "" or "7" => "v7",
                    "5" or "6" or "8" => "v" + variant,
                    _ => variant,
                });
            default:
                return (arch, variant);
        }
    }
}
