namespace Img.E2E.Tests.Cluster.Infrastructure;

/// <summary>One row of the NODE table of <c>img cluster status</c>.</summary>
public sealed record NodeStatus(string Node, int Slots, int Running, int Queued, long Executed, string State);
