using Akka.Actor;
using Img.Messages.Client;

namespace Img.Coordinator.Endpoint;

/// <summary>
/// Enrollment on an <c>--insecure</c> (loopback only) cluster: no certificates, just the Akka
/// addresses of the coordinators to join.
/// </summary>
public sealed class InsecureEnrollment(ActorSystem system) : IMemberEnrollment
{
    public Task<MemberEnrolled> EnrollAsync(EnrollMember request, CancellationToken cancellationToken) =>
        Task.FromResult(new MemberEnrolled("", "", CoordinatorAddresses.Of(system), null, ""));
}
