using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;
using Img.Engine.Paths;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>RUN --mount: bind, cache, tmpfs, secret and ssh mounts of an exec op.</summary>
internal static class RunMountDispatcher
{
    public static IReadOnlyList<ExecMount> Mounts(ConversionContext ctx, DispatchState d, IReadOnlyList<RunMount> mounts, IReadOnlyList<DispatchState?> sources)
    {
        var result = new List<ExecMount>();
        var sshCount = 0;
        for (var i = 0; i < mounts.Count; i++)
        {
            var m = mounts[i];
            if (m.From.Length == 0 && m.Type == RunMountType.Cache)
                m = m with { From = StagePlanner.Scratch };
            OpInput? source = ctx.Context;
            if (m.From.Length > 0)
            {
                var src = i < sources.Count ? sources[i] : null;
                if (src is null || !src.Dispatched)
                    throw new InstructionException($"cannot mount from stage \"{m.From}\" to \"{m.Target}\", stage needs to be defined before current command");
                source = src.Root;
            }
            switch (m.Type)
            {
                case RunMountType.Secret:
                    result.Add(Secret(m));
                    continue;
                case RunMountType.Ssh:
                    result.Add(Ssh(m, sshCount++));
                    continue;
            }
            var target = m.Target;
            if (!GoPath.IsAbs(GoPath.Clean(target)))
                target = GoPath.Join("/", d.Dir, target);
            if (target == "/")
                throw new InstructionException($"invalid mount target \"{target}\"");
            var mount = new ExecMount(m.Type switch
            {
                RunMountType.Cache => ExecMountType.Cache,
                RunMountType.Tmpfs => ExecMountType.Tmpfs,
                _ => ExecMountType.Bind,
            }, target)
            { ReadOnly = m.ReadOnly };
            if (m.Type == RunMountType.Tmpfs)
            {
                result.Add(mount with { Source = null, TmpfsSize = m.SizeLimit });
                if (m.From.Length == 0)
                    d.ContextPaths.Add(GoPath.Join("/", m.Source)); // as upstream does
                continue;
            }
            if (m.Type == RunMountType.Cache)
            {
                mount = mount with
                {
                    CacheId = "/" + (m.CacheId.Length > 0 ? m.CacheId : GoPath.Clean(m.Target)),
                    CacheSharing = m.Sharing switch
                    {
                        CacheSharing.Private => CacheSharingMode.Private,
                        CacheSharing.Locked => CacheSharingMode.Locked,
                        _ => CacheSharingMode.Shared,
                    },
                };
            }
            var sourcePath = GoPath.Join("/", m.Source);
            if (sourcePath != "/")
            {
                mount = mount with { Source = source, SourcePath = sourcePath };
            }
            else if (m.Uid is not null || m.Gid is not null || m.Mode is not null)
            {
                var owner = $"{m.Uid ?? 0}:{m.Gid ?? 0}";
                var prepared = ctx.Graph.Add(new FileOp(source, [new FileMkdirAction("/cache", m.Mode ?? 493 /* 0755 */, MakeParents: false) { Chown = owner }]),
                    new OpMetadata("[internal] setting cache mount permissions", d.StageName, d.IgnoreCache));
                mount = mount with { Source = prepared, SourcePath = "/cache" };
            }
            else
            {
                mount = mount with { Source = source };
            }
            result.Add(mount);
            if (m.From.Length == 0)
                d.ContextPaths.Add(GoPath.Join("/", m.Source));
        }
        return result;
    }

    private static ExecMount Secret(RunMount m)
    {
        var id = m.Source.Length > 0 ? m.Source : m.CacheId;
        if (id.Length == 0)
        {
            if (m.Target.Length == 0)
                throw new InstructionException("one of source, target required");
            id = GoPath.Base(m.Target);
        }
        var target = m.Target;
        if (m.Env is null && target.Length == 0)
            target = "/run/secrets/" + GoPath.Base(id);
        var hasFileInfo = m.Uid is not null || m.Gid is not null || m.Mode is not null;
        return new ExecMount(ExecMountType.Secret, target)
        {
            SecretId = id,
            SecretEnv = m.Env,
            Optional = !m.Required,
            ReadOnly = true,
            Uid = hasFileInfo ? m.Uid ?? 0 : null,
            Gid = hasFileInfo ? m.Gid ?? 0 : null,
            Mode = hasFileInfo ? m.Mode ?? 256 /* 0400 */ : null,
        };
    }

    /// <summary>BuildKit's default target is <c>/run/buildkit/ssh_agent.N</c>, N counting the step's ssh mounts.</summary>
    private static ExecMount Ssh(RunMount m, int index)
    {
        if (m.Source.Length > 0)
            throw new InstructionException("ssh does not support source");
        var hasFileInfo = m.Uid is not null || m.Gid is not null || m.Mode is not null;
        return new ExecMount(ExecMountType.Ssh, m.Target.Length > 0 ? m.Target : "/run/buildkit/ssh_agent." + index.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            SecretId = m.CacheId.Length > 0 ? m.CacheId : "default",
            Optional = !m.Required,
            ReadOnly = true,
            Uid = hasFileInfo ? m.Uid ?? 0 : null,
            Gid = hasFileInfo ? m.Gid ?? 0 : null,
            Mode = hasFileInfo ? m.Mode ?? 384 /* 0600 */ : null,
        };
    }
}
