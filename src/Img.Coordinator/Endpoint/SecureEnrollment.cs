using Akka.Actor;
using Img.Messages.Client;
using Img.Messages.Security;

namespace Img.Coordinator.Endpoint;

/// <summary>
/// Enrollment on a secured cluster (the client already proved the token in its hello, over TLS
/// pinned to the cluster CA): the joiner's certificate request is signed by the authority, the
/// CA and the coordinators' addresses go back, and a joining coordinator also receives the
/// authority, so it can serve clients and enroll members itself.
/// </summary>
public sealed class SecureEnrollment(ClusterAuthority authority, ActorSystem system) : IMemberEnrollment
{
    public Task<MemberEnrolled> EnrollAsync(EnrollMember request, CancellationToken cancellationToken)
    {
        if (request.Role is not ("node" or "coordinator"))
            return Task.FromResult(Refused($"unknown role {request.Role}"));
        if (string.IsNullOrWhiteSpace(request.CertificateRequestPem))
            return Task.FromResult(Refused("a secured cluster enrolls members with a certificate request"));
        string certificate;
        try
        {
            certificate = authority.Issue(request.CertificateRequestPem);
        }
        catch (ClusterSecurityException e)
        {
            return Task.FromResult(Refused(e.Message));
        }
        var exported = request.Role == "coordinator" ? System.Text.Encoding.UTF8.GetBytes(authority.ExportForCoordinator()) : null;
        return Task.FromResult(new MemberEnrolled(certificate, authority.CertificatePem, CoordinatorAddresses.Of(system), exported, ""));
    }

    private static MemberEnrolled Refused(string why) => new("", "", [], null, why);
}
