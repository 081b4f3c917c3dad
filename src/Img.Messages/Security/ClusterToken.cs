using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Img.Messages.Security;

/// <summary>
/// What a client or a joining member needs to reach a cluster: the SHA-256 fingerprint of the
/// cluster CA's certificate (so it trusts only that cluster's coordinators) and the cluster
/// secret (so the coordinator trusts it). Text form: <c>img1.&lt;fingerprint&gt;.&lt;secret&gt;</c>,
/// the fingerprint as 64 lowercase hex digits and the 32-byte secret as unpadded base64url, so
/// the token is safe in environment variables, files and shell words.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> leaves the secret out, so a token that reaches a log or an exception
/// message by accident does not give the cluster away; <see cref="Reveal"/> is the only way to
/// get the full text.
/// </remarks>
public sealed class ClusterToken
{
    /// <summary>The environment variable clients read the token from.</summary>
    public const string EnvironmentVariable = "IMG_CLUSTER_TOKEN";

    /// <summary>The first field: names the format, so a later one can be told apart.</summary>
    public const string Version = "img1";

    /// <summary>The length of the cluster secret in bytes.</summary>
    public const int SecretLength = 32;

    private const int FingerprintLength = 64;
    private const int EncodedSecretLength = 43;

    private readonly byte[] _secret;

    internal ClusterToken(string authorityFingerprint, ReadOnlySpan<byte> secret)
    {
        if (secret.Length != SecretLength)
            throw new ArgumentException($"a cluster secret is {SecretLength} bytes", nameof(secret));
        AuthorityFingerprint = authorityFingerprint;
        _secret = secret.ToArray();
    }

    /// <summary>SHA-256 of the cluster CA certificate's DER, as 64 lowercase hex digits.</summary>
    public string AuthorityFingerprint { get; }

    internal ReadOnlySpan<byte> Secret => _secret;

    /// <summary>The fingerprint format of <see cref="AuthorityFingerprint"/> for any certificate.</summary>
    public static string FingerprintOf(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    /// <summary>Parses the text form; throws a <see cref="ClusterSecurityException"/> that says what is wrong.</summary>
    public static ClusterToken Parse(string? text) =>
        TryParse(text, out var token, out var error) ? token : throw new ClusterSecurityException(error);

    /// <summary>Parses the text form; on failure <paramref name="error"/> says why, without repeating the text.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ClusterToken? token, [NotNullWhen(false)] out string? error)
    {
        token = null;
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
            return Fail("the token is empty", out error);
        var fields = trimmed.Split('.');
        if (fields[0] != Version)
            return Fail(fields.Length == 3 && fields[0].StartsWith("img", StringComparison.Ordinal)
                ? "unsupported token version (this img reads img1 tokens)"
                : "expected img1.<ca-sha256>.<secret>", out error);
        if (fields.Length != 3)
            return Fail("expected three fields separated by dots: img1.<ca-sha256>.<secret>", out error);
        var fingerprint = fields[1];
        if (fingerprint.Length != FingerprintLength || !fingerprint.All(char.IsAsciiHexDigit))
            return Fail($"the CA fingerprint must be {FingerprintLength} hex digits", out error);
        var secretText = fields[2];
        var secret = new byte[SecretLength];
        if (secretText.Length != EncodedSecretLength
            || !Base64Url.IsValid(secretText)
            || Base64Url.DecodeFromChars(secretText, secret) != SecretLength)
            return Fail($"the secret must be {SecretLength} bytes in unpadded base64url ({EncodedSecretLength} characters)", out error);
        token = new ClusterToken(fingerprint.ToLowerInvariant(), secret);
        error = null;
        return true;
    }

    /// <summary>
    /// Reads a token file (<c>--token-file</c>, <c>--cluster-token-file</c>): surrounding
    /// whitespace is ignored; a file that group or others can read or write is refused, as ssh
    /// refuses such a private key, because the token is root on every node.
    /// </summary>
    public static ClusterToken ReadFile(string path)
    {
        var text = PrivateFile.Read(path, "cluster token file");
        if (!TryParse(text, out var token, out var error))
            throw new ClusterSecurityException($"{error} (read from {path})");
        return token;
    }

    /// <summary>
    /// The client's token: from <paramref name="tokenFile"/> when given, else from
    /// <see cref="EnvironmentVariable"/>, else null (the caller decides whether that is an error).
    /// </summary>
    public static ClusterToken? Resolve(string? tokenFile, Func<string, string?> getEnvironmentVariable)
    {
        if (!string.IsNullOrEmpty(tokenFile))
            return ReadFile(tokenFile);
        var fromEnvironment = getEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(fromEnvironment))
            return null;
        if (!TryParse(fromEnvironment, out var token, out var error))
            throw new ClusterSecurityException($"{error} (read from {EnvironmentVariable})");
        return token;
    }

    /// <summary>True when <paramref name="authority"/> is the CA this token pins.</summary>
    public bool Pins(X509Certificate2 authority) =>
        string.Equals(FingerprintOf(authority), AuthorityFingerprint, StringComparison.Ordinal);

    /// <summary>
    /// True when <paramref name="presented"/> names the same CA and carries the same secret.
    /// The secrets are compared in constant time, so response timing does not reveal how much
    /// of a guessed secret is right.
    /// </summary>
    public bool Matches(ClusterToken presented)
    {
        var sameSecret = CryptographicOperations.FixedTimeEquals(_secret, presented._secret);
        return sameSecret && string.Equals(AuthorityFingerprint, presented.AuthorityFingerprint, StringComparison.Ordinal);
    }

    /// <summary>The full text form, secret included: for <c>img cluster token</c> and a token file, never for a log.</summary>
    public string Reveal() => $"{Version}.{AuthorityFingerprint}.{Base64Url.EncodeToString(_secret)}";

    /// <summary>The token without its secret.</summary>
    public override string ToString() => $"{Version}.{AuthorityFingerprint}.<secret>";

    private static bool Fail(string reason, out string error)
    {
        error = "invalid cluster token: " + reason;
        return false;
    }
}
