using MessagePack;

namespace Img.Messages.Client;

/// <summary>
/// The answer to <c>EnrollMember</c>: the member's certificate and the CA (PEM), the Akka
/// addresses of the coordinators to join, and for a coordinator the exported authority.
/// </summary>
[MessagePackObject]
public sealed record MemberEnrolled(
    [property: Key(0)] string CertificatePem,
    [property: Key(1)] string CaPem,
    [property: Key(2)] IReadOnlyList<string> Seeds,
    [property: Key(3)] byte[]? Authority,
    [property: Key(4)] string Error) : IClientMessage;
