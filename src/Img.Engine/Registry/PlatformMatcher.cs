using System.Runtime.InteropServices;
using Img.Engine.Oci;

namespace Img.Engine.Registry;

/// <summary>
/// Picks the manifest for a platform out of an index. Architectures and variants are normalized
/// the way Go names them (<c>x86_64</c> = <c>amd64</c>, <c>aarch64</c> = <c>arm64</c>, whose
/// <c>v8</c> variant is the default); an <c>arm/v7</c> host also runs <c>v6</c> and <c>v5</c>
/// images, preferring the highest.
/// </summary>
public static class PlatformMatcher
{
    /// <summary>The platform images are pulled for by default: linux and the host's architecture.</summary>
    public static Platform Host()
    {
        var (arch, variant) = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => ("amd64", (string?)null),
            Architecture.Arm64 => ("arm64", null),
            Architecture.Arm => ("arm", "v7"),
            Architecture.X86 => ("386", null),
            Architecture.Ppc64le => ("ppc64le", null),
            Architecture.S390x => ("s390x", null),
            Architecture.RiscV64 => ("riscv64", null),
            Architecture.LoongArch64 => ("loong64", null),
            var other => (other.ToString().ToLowerInvariant(), null),
        };
        return new Platform { Os = "linux", Architecture = arch, Variant = variant };
    }

    /// <summary>Parses <c>os/arch[/variant]</c> as <c>--platform</c> takes it.</summary>
    public static Platform Parse(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrEmpty))
            throw new FormatException($"invalid platform \"{text}\": expected os/arch[/variant]");
        return Normalize(new Platform { Os = parts[0], Architecture = parts[1], Variant = parts.Length == 3 ? parts[2] : null });
    }

    public static Platform Normalize(Platform p)
    {
        var os = p.Os.ToLowerInvariant();
        var arch = p.Architecture.ToLowerInvariant();
        var variant = string.IsNullOrEmpty(p.Variant) ? null : p.Variant.ToLowerInvariant();
        switch (arch)
        {
            case "x86_64" or "x86-64": arch = "amd64"; break;
            case "i386" or "i686": arch = "386"; break;
            case "aarch64" or "arm64":
                arch = "arm64";
                if (variant is "v8" or "8") variant = null;
                break;
            case "armhf": arch = "arm"; variant = "v7"; break;
            case "armel": arch = "arm"; variant = "v6"; break;
            case "arm":
                variant = variant switch { null or "7" => "v7", "6" => "v6", "5" => "v5", "8" => "v8", _ => variant };
                break;
        }
        if (arch == "amd64" && variant == "v1") variant = null;
        return p with { Os = os, Architecture = arch, Variant = variant };
    }

    /// <summary>The best manifest for <paramref name="wanted"/>, or null when none can run there.</summary>
    public static Descriptor? Select(IEnumerable<Descriptor> manifests, Platform wanted)
    {
        var want = Normalize(wanted);
        Descriptor? best = null;
        var bestRank = int.MaxValue;
        foreach (var d in manifests)
        {
            if (d.Platform is null) continue;
            var rank = Rank(Normalize(d.Platform), want);
            if (rank < bestRank)
            {
                best = d;
                bestRank = rank;
            }
        }
        return best;
    }

    /// <summary>0 for an exact match, higher for an acceptable fallback, <see cref="int.MaxValue"/> for no match.</summary>
    private static int Rank(Platform candidate, Platform want)
    {
        if (candidate.Os != want.Os || candidate.Architecture != want.Architecture) return int.MaxValue;
        if (candidate.Variant == want.Variant) return 0;
        // arm v7 runs v6 and v5; amd64 level v3 runs v2 and the baseline (no variant). Closest wins.
        if (want.Architecture is "arm" or "amd64"
            && (VariantNumber(candidate.Variant) ?? 1) is var c && (VariantNumber(want.Variant) ?? 1) is var w && c < w)
            return w - c;
        return int.MaxValue;
    }

    private static int? VariantNumber(string? variant) =>
        variant is { Length: >= 2 } v && v[0] == 'v' && int.TryParse(v[1..], out var n) ? n : null;
}
