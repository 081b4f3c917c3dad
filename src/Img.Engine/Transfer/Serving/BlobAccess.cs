namespace Img.Engine.Transfer.Serving;

/// <summary>What a <see cref="BlobAuthorizer"/> decides for one request.</summary>
public enum BlobAccess
{
    /// <summary>Serve the request.</summary>
    Allowed,

    /// <summary>401 with the server's challenge: no credentials, or wrong ones.</summary>
    Unauthenticated,

    /// <summary>403: the caller is known but may not read blobs here.</summary>
    Forbidden,
}
