namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>One row of the MEMBER table of <c>img cluster status</c>.</summary>
public sealed record MemberStatus(string Address, string Roles, string Status, bool Reachable);
