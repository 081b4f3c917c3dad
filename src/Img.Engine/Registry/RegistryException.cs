using System.Net;

namespace Img.Engine.Registry;

/// <summary>
/// A failed registry operation. The message names the registry, repository and reference in the
/// docker style (<c>unauthorized: authentication required: 127.0.0.1:5000/app</c>); it never
/// contains credentials.
/// </summary>
public sealed class RegistryException : Exception
{
    public RegistryException(RegistryErrorKind kind, string message, HttpStatusCode? status = null,
        string? errorCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        StatusCode = status;
        ErrorCode = errorCode;
    }

    public RegistryErrorKind Kind { get; }
    public HttpStatusCode? StatusCode { get; }
    /// <summary>The distribution error code from the body (<c>MANIFEST_UNKNOWN</c>, <c>DENIED</c>), if any.</summary>
    public string? ErrorCode { get; }
}
