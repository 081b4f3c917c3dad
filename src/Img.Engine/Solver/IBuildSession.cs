namespace Img.Engine.Solver;

/// <summary>
/// What only the build's client has: its local contexts and its secrets (BuildKit's session).
/// In one process the client's directories and files are right here (<c>Worker/Sources/LocalBuildSession</c>);
/// on a cluster node they are fetched for the step that reads them and dropped after it.
/// </summary>
public interface IBuildSession
{
    /// <summary>
    /// A host directory holding at least <paramref name="selections"/> of the local source
    /// <paramref name="name"/>; dispose it when the step is done.
    /// </summary>
    /// <remarks>Fails (<c>LocalSourceNotFoundException</c>) when the session has no such source.</remarks>
    ValueTask<LocalContextView> OpenContextAsync(string name, IReadOnlyList<ContentSelection> selections, CancellationToken cancellationToken);

    /// <summary>
    /// A host directory holding <paramref name="path"/> of the local source <paramref name="name"/>
    /// as a bind mount shows it: exactly what is sent (what .dockerignore leaves out is absent), and,
    /// when <paramref name="writable"/>, a throw-away copy (nothing a step writes reaches the client's
    /// files). <paramref name="scratch"/> is the step's space for a copy. Dispose it when the step is done.
    /// </summary>
    /// <remarks>By default the context as <see cref="OpenContextAsync"/> brings it, which must then be a filtered copy of the step's own.</remarks>
    ValueTask<LocalContextView> OpenMountAsync(string name, string path, bool writable, string scratch, CancellationToken cancellationToken) =>
        OpenContextAsync(name, [new ContentSelection(path, [], [], true, false)], cancellationToken);

    /// <summary>The secret's value, or null when the client has no secret of that id.</summary>
    ValueTask<byte[]?> ReadSecretAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// The host path of the client's ssh agent socket forwarded as <paramref name="id"/>
    /// (<c>--ssh ID=...</c>), or null when the client forwards none of that id. Sessions that cannot
    /// reach the client's agent through a host socket (a cluster node's) have none.
    /// </summary>
    ValueTask<string?> SshAgentSocketAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    /// <summary>
    /// The client's agent forwarded as <paramref name="id"/> when this host has no socket of it
    /// (<see cref="SshAgentSocketAsync"/> gave null): reached message by message, or null when the
    /// client forwards none of that id.
    /// </summary>
    ValueTask<ISshAgentRelay?> SshAgentRelayAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult<ISshAgentRelay?>(null);
}
