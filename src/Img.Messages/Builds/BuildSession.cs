using Img.Messages.Client;
using MessagePack;

namespace Img.Messages.Builds;

/// <summary>
/// How a node reaches what only the build's client has (local contexts, secrets): the build's
/// coordinator actor, asked with <c>OpenContext</c> / <c>ReadSecret</c>, and the coordinator's
/// blob endpoint, which serves the context files the client uploaded. CacheLogins and
/// InsecureRegistries: the client's logins for the registries of its <c>--cache-from</c> sources
/// and its <c>--insecure-registry</c> hosts, with which a node fetches imported results.
/// SshAgents: the ids of the client's <c>--ssh</c> agents, reached with <c>ExchangeSshAgent</c>.
/// </summary>
[MessagePackObject]
public sealed record BuildSession(
    [property: Key(0)] BuildId Build,
    [property: Key(1)] string Coordinator,
    [property: Key(2)] string BlobEndpoint,
    [property: Key(3)] IReadOnlyList<RegistryLogin>? CacheLogins = null,
    [property: Key(4)] IReadOnlyList<string>? InsecureRegistries = null,
    [property: Key(5)] IReadOnlyList<string>? SshAgents = null);
