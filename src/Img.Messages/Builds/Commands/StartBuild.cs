using Img.Engine.RemoteCache;
using Img.Messages.Builds.Sessions;
using Img.Messages.Client;
using MessagePack;

namespace Img.Messages.Builds.Commands;

/// <summary>
/// Start a build of a graph; the sender receives its progress (<c>IBuildEvent</c>s) until
/// <c>BuildCompleted</c> or <c>BuildFailed</c>. Context names the build context the checksums are
/// taken from. <see cref="Checksums"/>: the content checksums the client computed of every
/// selection the graph reads from its local contexts (a remote client's build; null when the
/// coordinator's process serves the context itself, standalone). <see cref="CacheImports"/>: the
/// build's <c>--cache-from</c> sources, consulted on a local cache miss; <see cref="CacheExport"/>:
/// which results <see cref="Events.BuildCompleted.CacheRecords"/> lists for a <c>--cache-to</c>;
/// <see cref="CacheLogins"/> and <see cref="InsecureRegistries"/>: what cluster nodes fetch imported results with;
/// <see cref="SshAgents"/>: the ids of the client's <c>--ssh</c> agents a cluster's nodes reach through the coordinator.
/// </summary>
[MessagePackObject]
public sealed record StartBuild(
    [property: Key(0)] BuildId BuildId,
    [property: Key(1)] byte[] Graph,
    [property: Key(2)] string Context,
    [property: Key(3)] IReadOnlyList<ContextChecksum>? Checksums = null,
    [property: Key(4)] IReadOnlyList<CacheImportSource>? CacheImports = null,
    [property: Key(5)] CacheExportMode CacheExport = CacheExportMode.None,
    [property: Key(6)] IReadOnlyList<RegistryLogin>? CacheLogins = null,
    [property: Key(7)] IReadOnlyList<string>? InsecureRegistries = null,
    [property: Key(8)] IReadOnlyList<string>? SshAgents = null) : IBuildCommand;
