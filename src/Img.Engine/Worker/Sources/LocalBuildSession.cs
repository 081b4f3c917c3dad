using Img.Engine.Solver;

namespace Img.Engine.Worker.Sources;

/// <summary>
/// The session of a build whose client is this process: contexts are the registered
/// <see cref="LocalSources"/> (read in place, nothing copied), secrets are host files
/// (<c>--secret id=ID,src=PATH</c>) read when a step mounts them, ssh agents are host sockets (<c>--ssh</c>).
/// </summary>
public sealed class LocalBuildSession(LocalSources sources, IReadOnlyDictionary<string, string> secretFiles, IReadOnlyDictionary<string, string>? sshAgents = null) : IBuildSession
{
    public ValueTask<LocalContextView> OpenContextAsync(string name, IReadOnlyList<ContentSelection> selections, CancellationToken cancellationToken)
    {
        var context = sources.Get(name);
        return ValueTask.FromResult(new LocalContextView(context.Root, context.Filter));
    }

    /// <summary>The directory itself when it is exactly what is sent and the mount is read-only; else a copy (<see cref="LocalContextMount"/>).</summary>
    public ValueTask<LocalContextView> OpenMountAsync(string name, string path, bool writable, string scratch, CancellationToken cancellationToken) =>
        LocalContextMount.OpenAsync(sources.Get(name), path, writable, scratch, cancellationToken);

    public async ValueTask<byte[]?> ReadSecretAsync(string id, CancellationToken cancellationToken)
    {
        if (!secretFiles.TryGetValue(id, out var file) || !File.Exists(file))
            return null;
        return await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<string?> SshAgentSocketAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(sshAgents is not null && sshAgents.TryGetValue(id, out var socket) ? socket : null);
}
