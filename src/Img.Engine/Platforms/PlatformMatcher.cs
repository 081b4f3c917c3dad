using Img.Engine.Oci;

namespace Img.Engine.Platforms;

/// <summary>
/// Picks the manifest for a platform out of an index. Both sides are normalized with
/// <see cref="PlatformSpec.Normalize"/> (<c>x86_64</c> = <c>amd64</c>, <c>aarch64</c> =
/// <c>arm64</c>, whose <c>v8</c> variant is the default); an <c>arm/v7</c> host also runs
/// <c>v6</c> and <c>v5</c> images, an <c>amd64/v3</c> host <c>v2</c> and baseline ones,
/// preferring the closest. The one matching rule: registry pulls, the local image store and
/// size computations all choose with it.
/// </summary>
public static class PlatformMatcher
{
    /// <summary>The best manifest for <paramref name="wanted"/>, or null when none can run there.</summary>
    public static Descriptor? Select(IEnumerable<Descriptor> manifests, Platform wanted)
    {
        var want = PlatformSpec.Normalize(wanted);
        Descriptor? best = null;
        var bestRank = int.MaxValue;
        foreach (var d in manifests)
        {
            if (d.Platform is null) continue;
            var rank = Rank(PlatformSpec.Normalize(d.Platform), want);
            if (rank < bestRank)
            {
                best = d;
                bestRank = rank;
            }
        }
        return best;
    }

    /// <summary>Whether an image for <paramref name="candidate"/> can run on <paramref name="wanted"/>.</summary>
    public static bool CanRun(Platform candidate, Platform wanted) =>
        Rank(PlatformSpec.Normalize(candidate), PlatformSpec.Normalize(wanted)) != int.MaxValue;

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
