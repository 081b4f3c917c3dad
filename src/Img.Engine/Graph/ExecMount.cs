namespace Img.Engine.Graph;

/// <summary>
/// A mount of an <see cref="ExecOp"/> other than the root filesystem: bind (from a stage, image
/// or the context), cache, tmpfs, secret or ssh.
/// </summary>
public sealed record ExecMount(ExecMountType Type, string Target)
{
    /// <summary>Bind/cache: the filesystem mounted; null = scratch.</summary>
    public OpInput? Source { get; init; }
    /// <summary>Path inside <see cref="Source"/>, "/" by default.</summary>
    public string SourcePath { get; init; } = "/";
    public bool ReadOnly { get; init; }
    /// <summary>Cache: the persistent cache id.</summary>
    public string CacheId { get; init; } = "";
    public CacheSharingMode CacheSharing { get; init; } = CacheSharingMode.Shared;
    /// <summary>Tmpfs: size in bytes, 0 = default.</summary>
    public long TmpfsSize { get; init; }
    /// <summary>Secret/ssh: the id asked of the client.</summary>
    public string SecretId { get; init; } = "";
    /// <summary>Secret exposed as an environment variable instead of a file.</summary>
    public string? SecretEnv { get; init; }
    /// <summary>Secret/ssh: a missing secret is not an error.</summary>
    public bool Optional { get; init; }
    public uint? Uid { get; init; }
    public uint? Gid { get; init; }
    public uint? Mode { get; init; }

    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<ExecMount> Schema { get; } = new OpSchema<ExecMount>("mount", () => new(ExecMountType.Bind, ""))
        .Enum("type", x => x.Type, (x, v) => x with { Type = v })
        .String("target", x => x.Target, (x, v) => x with { Target = v })
        .Input("source", x => x.Source, (x, v) => x with { Source = v })
        .String("sourcePath", x => x.SourcePath, (x, v) => x with { SourcePath = v })
        .Bool("readonly", x => x.ReadOnly, (x, v) => x with { ReadOnly = v })
        .String("cacheId", x => x.CacheId, (x, v) => x with { CacheId = v })
        .Enum("sharing", x => x.CacheSharing, (x, v) => x with { CacheSharing = v })
        .Int64("tmpfsSize", x => x.TmpfsSize, (x, v) => x with { TmpfsSize = v })
        .String("secretId", x => x.SecretId, (x, v) => x with { SecretId = v })
        .OptionalString("secretEnv", x => x.SecretEnv, (x, v) => x with { SecretEnv = v })
        .Bool("optional", x => x.Optional, (x, v) => x with { Optional = v })
        .OptionalUInt32("uid", x => x.Uid, (x, v) => x with { Uid = v })
        .OptionalUInt32("gid", x => x.Gid, (x, v) => x with { Gid = v })
        .OptionalUInt32("mode", x => x.Mode, (x, v) => x with { Mode = v });
}
