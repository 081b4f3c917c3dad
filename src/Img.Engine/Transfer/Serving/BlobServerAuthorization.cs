using System.Security.Cryptography;
using System.Text;

namespace Img.Engine.Transfer.Serving;

/// <summary>Ready-made <see cref="BlobAuthorizer"/>s.</summary>
public static class BlobServerAuthorization
{
    /// <summary>
    /// Serves requests that carry <paramref name="secret"/>: as a Bearer token, or as the password
    /// of Basic credentials (any user name), which is what <c>RegistryClient</c> sends after the
    /// default Basic challenge when its credential store has a credential for the holder.
    /// Compared in constant time.
    /// </summary>
    public static BlobAuthorizer SharedSecret(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return (request, _) => ValueTask.FromResult(Matches(request.Authorization, expected) ? BlobAccess.Allowed : BlobAccess.Unauthenticated);
    }

    private static bool Matches(string? authorization, byte[] expected)
    {
        if (authorization is null)
            return false;
        string? presented = null;
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization[7..].Trim();
        }
        else if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                var colon = pair.IndexOf(':');
                presented = colon < 0 ? null : pair[(colon + 1)..];
            }
            catch (FormatException)
            {
                return false;
            }
        }
        // Hashing first makes the comparison's time independent of the secret's length too.
        return presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expected);
    }
}
