namespace Img.Coordinator.Scheduling;

/// <summary>Where a node is reached: its worker (actor path) and its blob server (base URL).</summary>
public sealed record NodeAddress(string Node, string Worker, string BlobEndpoint);
