using Img.Engine.Archive;
using Img.Engine.Native;

namespace Img.Engine.State;

/// <summary>
/// The root of everything img keeps between commands, and its layout:
/// <code>
/// &lt;root&gt;/lock                      StateLock, held for a command
/// &lt;root&gt;/content/blobs/sha256/&lt;hex&gt;  content store blobs (LocalContentStore)
/// &lt;root&gt;/content/ingest/           in-flight writes (temp files, never read)
/// &lt;root&gt;/images/&lt;sha256(name)&gt;.json  image records (LocalImageStore)
/// &lt;root&gt;/snapshots/                snapshotter data
/// &lt;root&gt;/cache/                    build cache (SQLite journal)
/// &lt;root&gt;/tmp/                      scratch space on the same file system
/// </code>
/// <see cref="Resolve(string?)"/> picks the root: <c>--state</c>, else <c>IMG_STATE</c>, else
/// <c>/var/lib/img</c> for root, else <c>$XDG_DATA_HOME/img</c>, else <c>~/.local/share/img</c>.
/// </summary>
public sealed class StateDirectory
{
    /// <summary>The environment variable that overrides the default state directory.</summary>
    public const string EnvironmentVariable = "IMG_STATE";

    /// <summary>The state directory of uid 0.</summary>
    public const string RootDefault = "/var/lib/img";

    public const string LockFileName = "lock";
    public const string ContentDirectoryName = "content";
    public const string ImagesDirectoryName = "images";
    public const string SnapshotsDirectoryName = "snapshots";
    public const string CacheDirectoryName = "cache";
    public const string TempDirectoryName = "tmp";

    public StateDirectory(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The absolute root directory.</summary>
    public string Root { get; }

    public string LockPath => Path.Combine(Root, LockFileName);
    public string ContentRoot => Path.Combine(Root, ContentDirectoryName);
    public string ImagesRoot => Path.Combine(Root, ImagesDirectoryName);
    public string SnapshotsRoot => Path.Combine(Root, SnapshotsDirectoryName);
    public string CacheRoot => Path.Combine(Root, CacheDirectoryName);
    public string TempRoot => Path.Combine(Root, TempDirectoryName);

    /// <summary>Resolves the state directory from the flag, the environment and the user.</summary>
    public static StateDirectory Resolve(string? stateFlag) =>
        Resolve(stateFlag, Environment.GetEnvironmentVariable, Posix.GetEffectiveUserId(),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>The resolution rule with its inputs made explicit (for tests and re-exec).</summary>
    public static StateDirectory Resolve(string? stateFlag, Func<string, string?> getEnvironmentVariable, uint effectiveUid, string home)
    {
        if (!string.IsNullOrEmpty(stateFlag)) return new StateDirectory(stateFlag);
        var fromEnvironment = getEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return new StateDirectory(fromEnvironment);
        if (effectiveUid == 0) return new StateDirectory(RootDefault);
        var xdg = getEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return new StateDirectory(Path.Combine(xdg, "img"));
        if (string.IsNullOrEmpty(home))
            throw new InvalidOperationException("cannot find a state directory: HOME is not set; pass --state or set IMG_STATE");
        return new StateDirectory(Path.Combine(home, ".local", "share", "img"));
    }

    /// <summary>Creates the root (mode 0700) and the top-level folders when missing.</summary>
    public StateDirectory EnsureCreated()
    {
        if (!Directory.Exists(Root))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(Root);
            else Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        foreach (var dir in new[] { ContentRoot, ImagesRoot, TempRoot })
            Directory.CreateDirectory(dir);
        return this;
    }

    public override string ToString() => Root;
}
