using Akka.Actor;
using Akka.Cluster;
using Img.Messages.Client;

namespace Img.Coordinator.Endpoint;

/// <summary>
/// Enrollment on an <c>--insecure</c> (loopback only) cluster: no certificates, just the Akka
/// addresses of the coordinators to join.
/// </summary>
public sealed class InsecureEnrollment(ActorSystem system) : IMemberEnrollment
{
    public Task<MemberEnrolled> EnrollAsync(EnrollMember request, CancellationToken cancellationToken)
    {
        var cluster = Cluster.Get(system);
        var coordinators = cluster.State.Members
            .Where(m => m.HasRole("coordinator") && m.Status == MemberStatus.Up)
            .Select(m => m.Address.ToString())
            .Prepend(cluster.SelfAddress.ToString())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(new MemberEnrolled("", "", coordinators, null, ""));
    }
}
