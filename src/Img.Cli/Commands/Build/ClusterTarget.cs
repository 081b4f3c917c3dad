using Img.Messages.Client;

namespace Img.Cli.Commands.Build;

/// <summary>The cluster a build goes to: its coordinators' client addresses, tried in order, and how to connect.</summary>
public sealed record ClusterTarget(IReadOnlyList<string> Addresses, ClusterClientOptions Options);
