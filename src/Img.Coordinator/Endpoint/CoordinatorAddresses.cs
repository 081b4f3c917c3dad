using Akka.Actor;
using Akka.Cluster;

namespace Img.Coordinator.Endpoint;

/// <summary>The Akka addresses of the coordinators that are up, this one first: what a joining member joins.</summary>
public static class CoordinatorAddresses
{
    public static IReadOnlyList<string> Of(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        return cluster.State.Members
            .Where(m => m.HasRole("coordinator") && m.Status == MemberStatus.Up)
            .Select(m => m.Address.ToString())
            .Prepend(cluster.SelfAddress.ToString())
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
