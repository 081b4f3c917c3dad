namespace Img.Engine.Registry;

/// <summary>Why a registry operation failed; callers branch on this, never on message text.</summary>
public enum RegistryErrorKind
{
    /// <summary>401: no or wrong credentials.</summary>
    Unauthorized,
    /// <summary>403: authenticated, but not allowed.</summary>
    Denied,
    /// <summary>404 on a manifest (tag or digest unknown).</summary>
    ManifestUnknown,
    /// <summary>404 on a blob.</summary>
    BlobUnknown,
    /// <summary>404 on the repository itself.</summary>
    NameUnknown,
    /// <summary>Content did not hash to the digest it was asked for or announced with.</summary>
    DigestMismatch,
    /// <summary>The registry answered something the protocol does not allow.</summary>
    Protocol,
    /// <summary>Network failure or 5xx, after the bounded retries.</summary>
    Unavailable,
    /// <summary>Any other error status.</summary>
    Other,
    /// <summary>The TLS handshake failed: an untrusted certificate, or a client certificate missing or refused.</summary>
    Tls,
}
