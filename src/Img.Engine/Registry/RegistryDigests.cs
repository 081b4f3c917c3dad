using System.Security.Cryptography;

namespace Img.Engine.Registry;

/// <summary>
/// The digest arithmetic the client needs (sha256 and sha512, <c>algorithm:hex</c>).
/// Kept internal and small on purpose: once the content store's <c>Digest</c> type is on main,
/// this forwards to it instead of growing into a second digest helper.
/// </summary>
internal static class RegistryDigests
{
    public static bool IsDigest(string reference) =>
        TryParse(reference, out _, out _);

    public static bool TryParse(string digest, out HashAlgorithmName algorithm, out string hex)
    {
        algorithm = default;
        hex = "";
        var colon = digest.IndexOf(':');
        if (colon <= 0) return false;
        var alg = digest[..colon];
        hex = digest[(colon + 1)..];
        int length;
        switch (alg)
        {
            case "sha256": algorithm = HashAlgorithmName.SHA256; length = 64; break;
            case "sha512": algorithm = HashAlgorithmName.SHA512; length = 128; break;
            default: return false;
        }
        return hex.Length == length && hex.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
    }

    public static IncrementalHash CreateHash(string digest)
    {
        if (!TryParse(digest, out var algorithm, out _))
            throw new RegistryException(RegistryErrorKind.Protocol, $"invalid or unsupported digest \"{digest}\"");
        return IncrementalHash.CreateHash(algorithm);
    }

    public static string Finish(IncrementalHash hash)
    {
        var prefix = hash.AlgorithmName == HashAlgorithmName.SHA512 ? "sha512" : "sha256";
        return $"{prefix}:{Convert.ToHexStringLower(hash.GetHashAndReset())}";
    }

    public static string Compute(ReadOnlySpan<byte> content, string algorithmOf = "sha256:")
    {
        return algorithmOf.StartsWith("sha512:", StringComparison.Ordinal)
            ? $"sha512:{Convert.ToHexStringLower(SHA512.HashData(content))}"
            : $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";
    }
}
