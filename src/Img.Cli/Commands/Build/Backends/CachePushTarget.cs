namespace Img.Cli.Commands.Build.Backends;

/// <summary>A registry repository a cache export pushes blobs to, with the client's settings for it.</summary>
public sealed record CachePushTarget(string Registry, string Repository, IReadOnlyList<string> InsecureRegistries);
