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

    internal void Encode(CanonicalWriter w)
    {
        w.Field("type").Int((int)Type);
        w.Field("target").String(Target);
        w.Field("source").Input(Source);
        w.Field("sourcePath").String(SourcePath);
        w.Field("readonly").Bool(ReadOnly);
        w.Field("cacheId").String(CacheId);
        w.Field("sharing").Int((int)CacheSharing);
        w.Field("tmpfsSize").Int(TmpfsSize);
        w.Field("secretId").String(SecretId);
        w.Field("secretEnv").String(SecretEnv);
        w.Field("optional").Bool(Optional);
        w.Field("uid").Int(Uid);
        w.Field("gid").Int(Gid);
        w.Field("mode").Int(Mode);
    }
}
