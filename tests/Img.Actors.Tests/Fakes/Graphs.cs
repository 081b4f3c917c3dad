using Img.Engine.Graph;
using Img.Engine.Oci;

namespace Img.Actors.Tests.Fakes;

/// <summary>Small graphs for the specs. Descriptions name the vertices.</summary>
internal static class Graphs
{
    /// <summary>image → (left, right) → merge → export; every vertex is described by its name.</summary>
    public static BuildGraph Diamond(bool ignoreCache = false, string salt = "")
    {
        var b = new BuildGraphBuilder();
        OpMetadata M(string d) => new(d, IgnoreCache: ignoreCache);
        var image = b.Add(new SourceOp(SourceKind.Image, "busybox@sha256:" + new string('1', 64) + salt), M("image"));
        var left = b.Add(new ExecOp(image, ["/bin/sh", "-c", "left"], [], "/", ""), M("left"));
        var right = b.Add(new ExecOp(image, ["/bin/sh", "-c", "right"], [], "/", ""), M("right"));
        var merge = b.Add(new MergeOp([left, right]), M("merge"));
        var export = b.Add(new ImageConfigOp(merge, new ImageConfig { Os = "linux", Architecture = "amd64" }), M("export"));
        return b.Build(export.Digest);
    }

    /// <summary>Every op kind and field shape the codec must carry.</summary>
    public static BuildGraph Everything()
    {
        var b = new BuildGraphBuilder();
        var image = b.Add(new SourceOp(SourceKind.Image, "docker.io/library/alpine:3.20") { Platform = new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" } }, new OpMetadata("[1/4] FROM alpine", "base", false, 1));
        var context = b.Add(new SourceOp(SourceKind.Local, "context") { FollowPaths = ["src"], ExcludePatterns = ["*.tmp"] }, OpMetadata.Internal("load context"));
        var http = b.Add(new SourceOp(SourceKind.Http, "https://example.invalid/f.tgz") { Checksum = "sha256:" + new string('2', 64), Filename = "f.tgz" }, new OpMetadata("ADD url"));
        var file = b.Add(new FileOp(image,
        [
            new FileMkdirAction("/app", 0x1ed, true) { Chown = "1000:1000" },
            new FileMkdirAction("/app/t", 0x1ed, false) { CreatedTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) },
            new FileCopyAction(context, "src", "/app/src") { Chown = "app", Mode = 0x1a4, FollowSymlinks = true, CopyDirContentsOnly = true, AllowWildcard = true, IncludePatterns = ["*.c"], ExcludePatterns = ["x"], RequiredPaths = ["src"] },
            new FileCopyAction(http, "f.tgz", "/app/") { ModeString = "u+x", AttemptUnpack = true },
            new FileMkfileAction("/app/hello", 0x1a4, "hello\nworld"),
            new FileRmAction("/app/tmp", true, true),
        ]), new OpMetadata("[2/4] COPY src /app/src", "base", false, 2) { ProgressGroup = "copy" });
        var run = b.Add(new ExecOp(file, ["/bin/sh", "-c", "make"], ["A=1", "PATH=/bin"], "/app", "1000:1000")
        {
            Network = NetworkMode.None,
            Security = SecurityMode.Insecure,
            Mounts =
            [
                new ExecMount(ExecMountType.Cache, "/root/.cache") { CacheId = "go", CacheSharing = CacheSharingMode.Locked, Uid = 1, Gid = 2, Mode = 0x1ff },
                new ExecMount(ExecMountType.Bind, "/src") { Source = context, SourcePath = "src", ReadOnly = true },
                new ExecMount(ExecMountType.Tmpfs, "/tmp") { TmpfsSize = 1 << 20 },
                new ExecMount(ExecMountType.Secret, "/run/secrets/x") { SecretId = "x", SecretEnv = "X", Optional = true },
            ],
        }, new OpMetadata("[3/4] RUN make", "base", true, 3));
        var link = b.Add(new FileOp(null, [new FileCopyAction(context, "src", "/") { CreateDestPath = true, AllowEmptyWildcard = true }]), OpMetadata.Internal("COPY --link"));
        var merge = b.Add(new MergeOp([run, link]), OpMetadata.Internal("merge"));
        var export = b.Add(new ImageConfigOp(merge, new ImageConfig
        {
            Os = "linux",
            Architecture = "arm64",
            Created = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Config = new ContainerConfig { Env = ["PATH=/bin"], Cmd = ["make", "run"], Labels = new Dictionary<string, string> { ["a"] = "b" }, WorkingDir = "/app" },
            History = [new HistoryEntry { CreatedBy = "RUN make", EmptyLayer = false }],
        }) { SourceDateEpoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) }, OpMetadata.Internal("export"));
        return b.Build(export.Digest);
    }
}
