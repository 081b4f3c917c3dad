using Img.Engine.Native;
using Img.Engine.Archive;
using Img.Engine.Graph;
using Img.Engine.Mounts;
using Img.Engine.Solver;
using ExecMountKind = Img.Engine.Graph.ExecMountType;

namespace Img.Engine.Worker.Exec;

/// <summary>
/// The extra mounts of one RUN (<c>--mount</c>), as host directories bound into the container:
/// bind (a read-only view of another input, a writable throw-away snapshot for <c>rw</c>, or the
/// context directory), cache (<see cref="CacheMountStore"/>), tmpfs, secret (a file on a private
/// tmpfs, or an environment variable), ssh (a socket forwarding to the client's agent). Disposing takes everything down again.
/// </summary>
internal sealed class RunMounts : IAsyncDisposable
{
    private readonly List<Func<ValueTask>> _cleanup = [];
    private readonly StepSnapshots _steps;
    private readonly CacheMountStore _caches;
    private readonly IBuildSession _session;

    public RunMounts(StepSnapshots steps, CacheMountStore caches, IBuildSession session)
    {
        _steps = steps;
        _caches = caches;
        _session = session;
    }

    /// <summary>Mounts for the executor, with absolute container targets.</summary>
    public List<Mount> Mounts { get; } = [];

    /// <summary>Secrets exposed as environment variables (<c>NAME=value</c>).</summary>
    public List<string> Env { get; } = [];

    public async Task AddAsync(ExecMount mount, InputResults inputs, CancellationToken ct)
    {
        var target = mount.Target;
        switch (mount.Type)
        {
            case ExecMountKind.Bind:
                Mounts.Add(Mount.Bind(await BindSourceAsync(mount, inputs, ct).ConfigureAwait(false), mount.ReadOnly, target));
                break;
            case ExecMountKind.Cache:
                string? seed = null, baseKey = null;
                if (mount.Source is not null)
                {
                    var source = inputs.Reference(mount.Source);
                    seed = await ReadableAsync(source, mount.SourcePath, ct).ConfigureAwait(false);
                    // scratch is no base (BuildKit: a nil ref), so plain cache mounts keep their id alone
                    if (source.Kind != SnapshotReferenceKind.Scratch)
                        baseKey = source.ToString() + mount.SourcePath;
                }
                var lease = await _caches.AcquireAsync(mount, seed, baseKey, ct).ConfigureAwait(false);
                _cleanup.Add(() =>
                {
                    lease.Dispose();
                    return ValueTask.CompletedTask;
                });
                Mounts.Add(Mount.Bind(lease.Directory, mount.ReadOnly, target));
                break;
            case ExecMountKind.Tmpfs:
                var options = new List<string> { "nosuid", "nodev" };
                if (mount.TmpfsSize > 0)
                    options.Add("size=" + mount.TmpfsSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Mounts.Add(new Mount("tmpfs", "tmpfs", options, target));
                break;
            case ExecMountKind.Secret:
                await AddSecretAsync(mount, ct).ConfigureAwait(false);
                break;
            case ExecMountKind.Ssh:
                await AddSshAsync(mount, ct).ConfigureAwait(false);
                break;
            default:
                throw new NotSupportedException($"RUN --mount type {mount.Type} is not supported");
        }
    }

    private async Task<string> BindSourceAsync(ExecMount mount, InputResults inputs, CancellationToken ct)
    {
        var source = inputs.Reference(mount.Source);
        if (source.Kind == SnapshotReferenceKind.Local)
            return await ContextAsync(source, mount.SourcePath, writable: !mount.ReadOnly, ct).ConfigureAwait(false);
        if (mount.ReadOnly || source.Kind != SnapshotReferenceKind.Snapshot)
            return await ReadableAsync(source, mount.SourcePath, ct).ConfigureAwait(false);
        // rw: writes are allowed but thrown away, on a snapshot of the source.
        var active = await _steps.PrepareAsync(source.Name, ct).ConfigureAwait(false);
        _cleanup.Add(() => active.DisposeAsync());
        return Within(active.Mount(), mount.SourcePath);
    }

    /// <summary>A host directory showing <paramref name="path"/> of <paramref name="source"/>.</summary>
    private async Task<string> ReadableAsync(SnapshotReference source, string path, CancellationToken ct)
    {
        switch (source.Kind)
        {
            case SnapshotReferenceKind.Local:
                return await ContextAsync(source, path, writable: false, ct).ConfigureAwait(false);
            case SnapshotReferenceKind.Snapshot:
                var view = await _steps.ViewAsync(source.Name, ct).ConfigureAwait(false);
                _cleanup.Add(() => view.DisposeAsync());
                return Within(view.Directory, path);
            default:
                var empty = Path.Join(_steps.Scratch, "empty-" + Guid.NewGuid().ToString("N")[..12]);
                Directory.CreateDirectory(empty);
                _cleanup.Add(() =>
                {
                    Directory.Delete(empty, recursive: true);
                    return ValueTask.CompletedTask;
                });
                return empty;
        }
    }

    /// <summary>A local context's <paramref name="path"/> as COPY sees it (.dockerignore applied); writable = a throw-away copy.</summary>
    private async Task<string> ContextAsync(SnapshotReference source, string path, bool writable, CancellationToken ct)
    {
        Directory.CreateDirectory(_steps.Scratch);
        var context = await _session.OpenMountAsync(source.Name, path, writable, _steps.Scratch, ct).ConfigureAwait(false);
        _cleanup.Add(() => context.DisposeAsync());
        return Within(context.Root, path);
    }

    private static string Within(string root, string path)
    {
        var clean = ArchivePath.Clean(path);
        return clean.Length == 0 ? root : ArchivePath.SecureJoin(root, clean);
    }

    private async Task AddSecretAsync(ExecMount mount, CancellationToken ct)
    {
        var content = await _session.ReadSecretAsync(mount.SecretId, ct).ConfigureAwait(false);
        if (content is null)
        {
            if (mount.Optional)
                return;
            throw new SecretNotFoundException(mount.SecretId);
        }
        if (mount.SecretEnv is { Length: > 0 } name)
        {
            Env.Add(name + "=" + System.Text.Encoding.UTF8.GetString(content));
            if (string.IsNullOrEmpty(mount.Target))
                return;
        }
        // The secret lives on a private tmpfs only for the duration of the step, never on disk.
        Directory.CreateDirectory(_steps.Scratch);
        var lease = Mounter.MountTemporary([new Mount("tmpfs", "tmpfs", ["nosuid", "nodev", "noexec", "mode=0700", "size=" + Math.Max(65536, content.Length * 2)])], _steps.Scratch);
        _cleanup.Add(() =>
        {
            lease.Dispose();
            return ValueTask.CompletedTask;
        });
        var path = Path.Join(lease.Directory, "secret");
        await File.WriteAllBytesAsync(path, content, ct).ConfigureAwait(false);
        Posix.Chmod(path, mount.Mode ?? 0x100); // 0400
        Posix.Lchown(path, mount.Uid ?? 0, mount.Gid ?? 0);
        var target = string.IsNullOrEmpty(mount.Target) ? "/run/secrets/" + mount.SecretId : mount.Target;
        Mounts.Add(Mount.Bind(path, readOnly: true, target));
    }

    /// <summary>The client's agent, through a socket of this step's own (<see cref="SshAgentProxy"/>).</summary>
    private async Task AddSshAsync(ExecMount mount, CancellationToken ct)
    {
        var (uid, gid, mode) = (mount.Uid ?? 0, mount.Gid ?? 0, mount.Mode ?? 0x180 /* 0600 */);
        SshAgentProxy proxy;
        if (await _session.SshAgentSocketAsync(mount.SecretId, ct).ConfigureAwait(false) is { } agent)
            proxy = SshAgentProxy.Start(agent, _steps.Scratch, uid, gid, mode);
        else if (await _session.SshAgentRelayAsync(mount.SecretId, ct).ConfigureAwait(false) is { } relay)
            proxy = SshAgentProxy.Start(relay, _steps.Scratch, uid, gid, mode);
        else if (mount.Optional)
            return;
        else
            throw new SshAgentNotForwardedException(mount.SecretId);
        _cleanup.Add(() => proxy.DisposeAsync());
        Mounts.Add(Mount.Bind(proxy.Path, readOnly: false, mount.Target));
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            try
            {
                await _cleanup[i]().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or Snapshots.SnapshotException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temp mount is cleaned with the state's tmp directory.
            }
        }
        _cleanup.Clear();
    }
}
