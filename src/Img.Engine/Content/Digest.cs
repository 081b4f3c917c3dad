using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Img.Engine.Content;

/// <summary>
/// A content digest, <c>algorithm:hex</c>. Only <c>sha256</c> is accepted: other algorithms
/// (sha384, sha512, blake3...) are recognised and rejected with a message naming them, so a
/// registry serving them fails clearly instead of being mis-verified.
/// All digest computation in img goes through <see cref="Compute(ReadOnlySpan{byte})"/>,
/// <see cref="ComputeAsync"/> or <see cref="DigestHasher"/>.
/// </summary>
public readonly record struct Digest : IComparable<Digest>, ISpanFormattable
{
    /// <summary>The only supported algorithm.</summary>
    public const string Sha256 = "sha256";

    /// <summary>Length of a sha256 digest in hex characters.</summary>
    public const int Sha256HexLength = 64;

    private readonly string? _hex;

    private Digest(string hex) => _hex = hex;

    /// <summary>The algorithm, always <c>sha256</c> for a constructed digest.</summary>
    public string Algorithm => Sha256;

    /// <summary>The lower-case hex encoding (64 characters).</summary>
    public string Hex => _hex ?? throw new InvalidOperationException("default(Digest) has no value");

    /// <summary>True for <c>default(Digest)</c>, which is not a valid digest.</summary>
    public bool IsEmpty => _hex is null;

    /// <summary>Parses <c>sha256:&lt;64 lower-case hex&gt;</c>.</summary>
    /// <exception cref="InvalidDigestException">The text is not a valid sha256 digest.</exception>
    public static Digest Parse(string text)
    {
        var error = Validate(text, out var digest);
        return error is null ? digest : throw new InvalidDigestException(text, error);
    }

    /// <summary>Parses without throwing; false for malformed or unsupported digests.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest)
    {
        digest = default;
        return text is not null && Validate(text, out digest) is null;
    }

    /// <summary>A digest from a raw 32-byte sha256 value.</summary>
    public static Digest FromSha256Bytes(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != SHA256.HashSizeInBytes)
            throw new ArgumentException($"a sha256 hash is {SHA256.HashSizeInBytes} bytes, got {hash.Length}", nameof(hash));
        return new Digest(Convert.ToHexStringLower(hash));
    }

    /// <summary>A digest from 64 hex characters (an image id without its <c>sha256:</c> prefix).</summary>
    public static Digest FromHex(string hex) => Parse(Sha256 + ":" + hex);

    /// <summary>The sha256 digest of a byte span.</summary>
    public static Digest Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return FromSha256Bytes(hash);
    }

    /// <summary>The sha256 digest of a stream, read from its current position to its end.</summary>
    public static async ValueTask<Digest> ComputeAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return FromSha256Bytes(hash);
    }

    /// <summary>Returns null when valid, else the reason.</summary>
    private static string? Validate(string text, out Digest digest)
    {
        digest = default;
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            return "invalid checksum digest format";
        var algorithm = text[..colon];
        var hex = text[(colon + 1)..];
        if (!IsAlgorithmSyntax(algorithm))
            return "invalid checksum digest format";
        if (algorithm != Sha256)
            return $"unsupported digest algorithm {algorithm} (only sha256 is supported)";
        if (hex.Length != Sha256HexLength)
            return $"invalid checksum digest length: sha256 needs {Sha256HexLength} hex characters, got {hex.Length}";
        foreach (var c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
                return "invalid checksum digest format: hex must be lower-case [0-9a-f]";
        }
        digest = new Digest(hex);
        return null;
    }

    // algorithm-component (separator algorithm-component)*, components [a-z0-9]+, separators + . _ -
    private static bool IsAlgorithmSyntax(string algorithm)
    {
        var previousWasSeparator = true;
        foreach (var c in algorithm)
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
                previousWasSeparator = false;
            else if (c is '+' or '.' or '_' or '-' && !previousWasSeparator)
                previousWasSeparator = true;
            else
                return false;
        }
        return !previousWasSeparator;
    }

    /// <summary><c>sha256:&lt;hex&gt;</c>.</summary>
    public override string ToString() => _hex is null ? "" : Sha256 + ":" + _hex;

    /// <summary>The first 12 hex characters, the short id <c>img ls</c> shows.</summary>
    public string ShortId => Hex[..12];

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var s = ToString();
        if (s.AsSpan().TryCopyTo(destination))
        {
            charsWritten = s.Length;
            return true;
        }
        charsWritten = 0;
        return false;
    }

    public int CompareTo(Digest other) => string.CompareOrdinal(_hex, other._hex);
}
