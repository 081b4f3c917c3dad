using System.Security.Cryptography;
using System.Text;
using Img.Engine.Graph;
using Img.Engine.Native;

namespace Img.Engine.Worker.Exec;

/// <summary>
/// Persistent directories for <c>RUN --mount=type=cache</c>, under <c>&lt;state&gt;/cache/mounts/</c>,
/// one per cache id and base (the key is hex-encoded in the directory name, ids may contain
/// slashes). As in BuildKit (mounts.getRefCacheDir keys by <c>id:ref.ID()</c>), a cache mount with
/// a base (a <c>from=</c> source, or the <c>/cache</c> directory that uid=/gid=/mode= make) is
/// another cache than the same id without it or on another base: two RUNs sharing an id but not
/// uid=/gid=/mode= do not see each other's files.
/// Sharing modes as BuildKit's: <see cref="CacheSharingMode.Shared"/> = used concurrently;
/// <see cref="CacheSharingMode.Locked"/> = one user at a time, others wait (also across processes,
/// through an exclusive lock file); <see cref="CacheSharingMode.Private"/> = a busy directory is
/// not shared: the next free instance (<c>ID.1</c>, <c>ID.2</c>, ...) is used.
/// A new directory is created with the mount's uid/gid/mode (root, 0755 by default), or seeded
/// from the mount's source when it has one, keeping the source directory's owner and mode.
/// </summary>
public sealed class CacheMountStore
{
    private readonly string _root;
    private readonly KeyedLock _locks = new();
    private readonly HashSet<string> _privateInUse = new(StringComparer.Ordinal);

    /// <summary>Where a state directory keeps its cache mounts: <c>&lt;state&gt;/cache/mounts</c>.</summary>
    public static string RootIn(State.StateDirectory state) => Path.Join(state.CacheRoot, "mounts");

    public CacheMountStore(string root)
    {
        _root = root;
    }

    /// <summary>Acquires the directory for <paramref name="mount"/>; dispose the lease when the step is done.</summary>
    /// <param name="seed">Host directory copied into a newly created cache (the mount's <c>from</c>), or null.</param>
    /// <param name="baseKey">What names the mount's base (its source snapshot and path), or null without one.</param>
    public async Task<CacheMountLease> AcquireAsync(ExecMount mount, string? seed, string? baseKey, CancellationToken ct)
    {
        Directory.CreateDirectory(_root);
        var key = KeyOf(mount.CacheId, baseKey);
        var baseName = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(key));
        if (baseName.Length > 200)
            baseName = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        switch (mount.CacheSharing)
        {
            case CacheSharingMode.Locked:
            {
                var inProcess = await _locks.AcquireAsync(baseName, ct).ConfigureAwait(false);
                try
                {
                    var file = await LockFileAsync(Path.Join(_root, baseName + ".lock"), ct).ConfigureAwait(false);
                    var dir = Ensure(Path.Join(_root, baseName), mount, seed);
                    return new CacheMountLease(dir, () =>
                    {
                        file.Dispose();
                        inProcess.Dispose();
                    });
                }
                catch
                {
                    inProcess.Dispose();
                    throw;
                }
            }
            case CacheSharingMode.Private:
            {
                string name;
                lock (_privateInUse)
                {
                    name = baseName;
                    for (var n = 1; _privateInUse.Contains(name); n++)
                        name = baseName + "." + n;
                    _privateInUse.Add(name);
                }
                try
                {
                    var dir = Ensure(Path.Join(_root, name), mount, seed);
                    return new CacheMountLease(dir, () =>
                    {
                        lock (_privateInUse)
                            _privateInUse.Remove(name);
                    });
                }
                catch
                {
                    lock (_privateInUse)
                        _privateInUse.Remove(name);
                    throw;
                }
            }
            default:
                return new CacheMountLease(Ensure(Path.Join(_root, baseName), mount, seed), () => { });
        }
    }

    /// <summary>The cache's identity: its id alone, or <c>id:base</c> when it has a base.</summary>
    public static string KeyOf(string cacheId, string? baseKey) =>
        string.IsNullOrEmpty(baseKey) ? cacheId : cacheId + ":" + baseKey;

    private static string Ensure(string dir, ExecMount mount, string? seed)
    {
        if (Directory.Exists(dir))
            return dir;
        var building = dir + ".new-" + Guid.NewGuid().ToString("N")[..8];
        if (seed is not null && Directory.Exists(seed))
        {
            // The seed's own owner and mode are the cache's (uid=/gid=/mode= of a cache mount
            // arrive that way, as BuildKit's "/cache" mkdir): only an explicit value overrides.
            Snapshots.Native.TreeCopier.Copy(seed, building);
            var status = Posix.LStat(seed);
            Posix.Chmod(building, mount.Mode ?? status.Permissions);
            Posix.Lchown(building, mount.Uid ?? status.Uid, mount.Gid ?? status.Gid);
        }
        else
        {
            Directory.CreateDirectory(building);
            Posix.Chmod(building, mount.Mode ?? 0x1ED);
            Posix.Lchown(building, mount.Uid ?? 0, mount.Gid ?? 0);
        }
        try
        {
            Directory.Move(building, dir);
        }
        catch (IOException) when (Directory.Exists(dir))
        {
            Directory.Delete(building, recursive: true); // created concurrently by someone else
        }
        return dir;
    }

    private static async Task<FileStream> LockFileAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                // .NET takes an exclusive flock for FileShare.None on Unix: other processes wait here too.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
            }
        }
    }
}
