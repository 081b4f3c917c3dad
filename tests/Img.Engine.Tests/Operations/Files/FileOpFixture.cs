using Img.Engine.Context.Ignore;
using Img.Engine.Graph;
using Img.Engine.Native;
using Img.Engine.Operations.Files;
using Img.Engine.Tests.Snapshots;

namespace Img.Engine.Tests.Operations.Files;

/// <summary>
/// A build context, another stage's root and a destination root in one scratch directory, plus
/// helpers that build file ops the way the Dockerfile converter does and run them.
/// </summary>
public sealed class FileOpFixture : IDisposable
{
    public static readonly OpInput ContextInput = new(new OpDigest("sha256:context"));
    public static readonly OpInput StageInput = new(new OpDigest("sha256:stage"));
    public static readonly OpInput BaseInput = new(new OpDigest("sha256:base"));

    private readonly TestDirectory _dir = new("img-fileop");

    public FileOpFixture()
    {
        Context = _dir.Sub("context");
        Stage = _dir.Sub("stage");
        Root = _dir.Sub("root");
    }

    public string Context { get; }
    public string Stage { get; }
    public string Root { get; }
    public string Scratch(string name) => _dir.Sub(name);

    public ContextFilter Filter { get; set; } = new([]);

    public FileOpRunnerOptions Options { get; set; } = new();

    /// <summary>Writes a file (parents created) under <paramref name="dir"/> and returns its path.</summary>
    public static string Write(string dir, string relative, string content = "x", uint? mode = null, DateTimeOffset? mtime = null)
    {
        string path = Path.Join(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        if (mode is { } m) Posix.Chmod(path, m);
        if (mtime is { } t) File.SetLastWriteTimeUtc(path, t.UtcDateTime);
        return path;
    }

    public string InRoot(string relative) => Path.Join(Root, relative);

    public static FileStatus Stat(string path) => Posix.LStat(path);

    /// <summary>A COPY of the context (or <paramref name="from"/>) exactly as the converter builds it.</summary>
    public static FileCopyAction CopyAction(string src, string dest, OpInput? from = null) =>
        new(from ?? ContextInput, src, dest)
        {
            FollowSymlinks = true,
            CopyDirContentsOnly = true,
            CreateDestPath = true,
            AllowWildcard = true,
            AllowEmptyWildcard = true,
        };

    public Task RunAsync(params FileAction[] actions) => RunAsync(new FileOp(BaseInput, actions));

    public Task RunAsync(FileOp op)
    {
        var inputs = new Dictionary<OpInput, FileInputSource>
        {
            [ContextInput] = new FileInputSource(Context, Filter),
            [StageInput] = new FileInputSource(Stage),
        };
        return new FileOpRunner(Options).ApplyAsync(op, Root, inputs, CancellationToken.None);
    }

    public Task CopyAsync(string src, string dest, Func<FileCopyAction, FileCopyAction>? change = null, OpInput? from = null)
    {
        var action = CopyAction(src, dest, from);
        return RunAsync(change is null ? action : change(action));
    }

    /// <summary>Writes /etc/passwd and /etc/group into the destination root.</summary>
    public void Users()
    {
        Write(Root, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\nsvc:x:2000:2000::/:/bin/false\n");
        Write(Root, "etc/group", "root:x:0:\nstaff:x:50:app\napps:x:1001:\n");
    }

    public void Dispose() => _dir.Dispose();
}
