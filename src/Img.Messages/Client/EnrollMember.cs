using MessagePack;

namespace Img.Messages.Client;

/// <summary>
/// A process joining the cluster (<c>img node --join</c>, a further <c>img coordinator --seed</c>)
/// sends its certificate request over the TLS client endpoint after a <c>ClientHello</c> with the
/// token; answered with <c>MemberEnrolled</c>.
/// </summary>
/// <param name="Role"><c>node</c> or <c>coordinator</c> (a coordinator also receives the authority).</param>
[MessagePackObject]
public sealed record EnrollMember([property: Key(0)] string Role, [property: Key(1)] string Name, [property: Key(2)] string CertificateRequestPem) : IClientMessage;
