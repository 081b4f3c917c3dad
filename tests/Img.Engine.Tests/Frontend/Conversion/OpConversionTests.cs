using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;
using Xunit;
using static Img.Engine.Tests.Frontend.Conversion.ConvertHelper;

namespace Img.Engine.Tests.Frontend.Conversion;

public class OpConversionTests
{
    [Fact]
    public void WorkdirResolvesRelativeAndCreatesTheDirectory()
    {
        var r = Convert("FROM alpine\nWORKDIR /a\nWORKDIR b/../c\nUSER 1000\nWORKDIR d\nRUN pwd\n");
        var mkdirs = Ops<FileOp>(r).SelectMany(f => f.Actions).OfType<FileMkdirAction>().ToArray();
        Assert.Equal(["/a", "/a/c", "/a/c/d"], mkdirs.Select(m => m.Path));
        Assert.All(mkdirs, m => Assert.True(m.MakeParents));
        Assert.Equal(493u, mkdirs[0].Mode);
        Assert.Null(mkdirs[0].Chown);
        Assert.Equal("1000", mkdirs[2].Chown);
        Assert.Equal("/a/c/d", Ops<ExecOp>(r).Single().Cwd);
        Assert.Equal("/a/c/d", r.Image.Config.WorkingDir);
    }

    [Fact]
    public void WorkdirExpandsVariables()
    {
        var r = Convert("FROM scratch\nENV D=/opt\nWORKDIR $D/app\n");
        Assert.Equal("/opt/app", r.Image.Config.WorkingDir);
        Assert.Equal("WORKDIR /opt/app", History(r)[^1]);
    }

    [Fact]
    public void ShellAndExecForms()
    {
        var r = Convert("FROM alpine\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN a | b\nRUN [\"x\", \"y\"]\n");
        var runs = Ops<ExecOp>(r).ToArray();
        Assert.Equal(["/bin/bash", "-eo", "pipefail", "-c", "a | b"], runs[0].Args);
        Assert.Equal(["x", "y"], runs[1].Args);
        Assert.Equal("RUN x y # buildkit", History(r)[^1]);
    }

    [Fact]
    public void ExecEnvIsSortedAndNetworkSecurityApplied()
    {
        var r = Convert("FROM alpine\nENV Z=1 A=2\nRUN --network=none --security=insecure x\n");
        var run = Ops<ExecOp>(r).Single();
        Assert.Equal(run.Env.Order(StringComparer.Ordinal), run.Env);
        Assert.Equal(NetworkMode.None, run.Network);
        Assert.Equal(SecurityMode.Insecure, run.Security);
    }

    [Fact]
    public void TheBuildNetworkIsTheDefaultOfEveryRunThatDoesNotChoose()
    {
        var dockerfile = "FROM alpine\nRUN a\nRUN --network=default b\nRUN --network=host c\nFROM alpine\nRUN d\n";
        var none = Convert(dockerfile, new ConvertOptions { Network = NetworkMode.None, Target = "" });
        Assert.Equal([NetworkMode.None], Ops<ExecOp>(none).Select(o => o.Network).Distinct());
        var first = Convert(dockerfile.Replace("FROM alpine\nRUN d\n", ""), new ConvertOptions { Network = NetworkMode.None });
        Assert.Equal([NetworkMode.None, NetworkMode.None, NetworkMode.Host], Ops<ExecOp>(first).Select(o => o.Network));
        var unset = Convert(dockerfile.Replace("FROM alpine\nRUN d\n", ""));
        Assert.Equal([NetworkMode.Default, NetworkMode.Default, NetworkMode.Host], Ops<ExecOp>(unset).Select(o => o.Network));
        // part of the definition: the keys differ
        Assert.NotEqual(first.Graph.Target.Digest, unset.Graph.Target.Digest);
    }

    [Fact]
    public void ExecEnvIsSortedByName()
    {
        var r = Convert("FROM scratch\nENV A1=1 A=2 A-B=3\nRUN x\n");
        Assert.Equal(["A=2", "A-B=3", "A1=1"], Ops<ExecOp>(r).Single().Env.Where(e => !e.StartsWith("PATH=", StringComparison.Ordinal)));
    }

    [Fact]
    public void RunMounts()
    {
        var r = Convert("""
            FROM alpine AS deps
            RUN fetch
            FROM alpine
            ENV CACHE=/root/.cache
            WORKDIR /src
            RUN --mount=type=cache,target=$CACHE,sharing=private --mount=type=bind,from=deps,source=/out,target=out --mount=type=tmpfs,target=/tmp,size=1m --mount=type=secret,id=tok,env=TOKEN --mount=type=ssh --mount=target=/ctx build
            """);
        var run = Ops<ExecOp>(r).Single(e => e.Args[^1] == "build");
        var m = run.Mounts;
        Assert.Equal(6, m.Count);
        Assert.Equal(ExecMountType.Cache, m[0].Type);
        Assert.Equal("/root/.cache", m[0].Target);
        Assert.Equal("//root/.cache", m[0].CacheId);
        Assert.Equal(CacheSharingMode.Private, m[0].CacheSharing);
        Assert.Null(m[0].Source);
        Assert.False(m[0].ReadOnly);
        Assert.Equal(ExecMountType.Bind, m[1].Type);
        Assert.Equal("/src/out", m[1].Target);
        Assert.Equal("/out", m[1].SourcePath);
        Assert.Equal(Described(r, "RUN fetch").Digest, m[1].Source!.Digest);
        Assert.True(m[1].ReadOnly);
        Assert.Equal(ExecMountType.Tmpfs, m[2].Type);
        Assert.Equal(1L << 20, m[2].TmpfsSize);
        Assert.Equal(ExecMountType.Secret, m[3].Type);
        Assert.Equal("tok", m[3].SecretId);
        Assert.Equal("TOKEN", m[3].SecretEnv);
        Assert.True(m[3].Optional);
        Assert.Equal(ExecMountType.Ssh, m[4].Type);
        Assert.Equal("default", m[4].SecretId);
        Assert.Equal(ExecMountType.Bind, m[5].Type);
        Assert.Equal("/ctx", m[5].Target);
        Assert.Contains(Ops<SourceOp>(r), s => s.SourceKind == SourceKind.Local && s.ComputeDigest() == m[5].Source!.Digest);
        Assert.Contains(run.Inputs, i => i.Digest == m[1].Source!.Digest);
    }

    [Fact]
    public void SshMountsCountTheirDefaultTargetsAndSetSshAuthSockToTheFirst()
    {
        var r = Convert("FROM alpine\nRUN --mount=type=ssh --mount=type=ssh,id=deploy,required x\nRUN --mount=type=ssh,target=/a.sock y\nRUN z\n");
        var x = Ops<ExecOp>(r).Single(e => e.Args[^1] == "x");
        Assert.Equal(["/run/buildkit/ssh_agent.0", "/run/buildkit/ssh_agent.1"], x.Mounts.Select(m => m.Target));
        Assert.Equal(["default", "deploy"], x.Mounts.Select(m => m.SecretId));
        Assert.Equal([true, false], x.Mounts.Select(m => m.Optional));
        Assert.Contains("SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0", x.Env);
        Assert.Contains("SSH_AUTH_SOCK=/a.sock", Ops<ExecOp>(r).Single(e => e.Args[^1] == "y").Env);
        Assert.DoesNotContain(Ops<ExecOp>(r).Single(e => e.Args[^1] == "z").Env, e => e.StartsWith("SSH_AUTH_SOCK=", StringComparison.Ordinal));
        Assert.DoesNotContain(r.Image.Config!.Env ?? [], e => e.StartsWith("SSH_AUTH_SOCK=", StringComparison.Ordinal));

        var own = Convert("FROM alpine\nENV SSH_AUTH_SOCK=/mine\nRUN --mount=type=ssh x\n");
        Assert.Contains("SSH_AUTH_SOCK=/mine", Ops<ExecOp>(own).Single().Env);
    }

    [Fact]
    public void SecretMountDefaultsToRunSecrets()
    {
        var r = Convert("FROM alpine\nRUN --mount=type=secret,id=npm,required cat /run/secrets/npm\n");
        var secret = Ops<ExecOp>(r).Single().Mounts.Single();
        Assert.Equal("/run/secrets/npm", secret.Target);
        Assert.False(secret.Optional);
    }

    [Fact]
    public void CacheMountWithOwnershipPreparesTheDirectory()
    {
        var r = Convert("FROM alpine\nRUN --mount=type=cache,target=/c,uid=1000,mode=0700 x\n");
        var mount = Ops<ExecOp>(r).Single().Mounts.Single();
        Assert.Equal("/cache", mount.SourcePath);
        var mkdir = (FileMkdirAction)((FileOp)r.Graph[mount.Source!.Digest].Op).Actions.Single();
        Assert.Equal("1000:0", mkdir.Chown);
        Assert.Equal(448u, mkdir.Mode);
    }

    [Fact]
    public void MountErrors()
    {
        var e = Assert.Throws<DockerfileException>(() => Convert("FROM alpine\nRUN --mount=type=bind,target=/ x\n"));
        Assert.Equal("Dockerfile:2: invalid mount target \"/\"", e.Message);
        e = Assert.Throws<DockerfileException>(() => Convert("FROM alpine\nRUN --mount=type=ssh,source=/x x\n"));
        Assert.Equal("Dockerfile:2: ssh does not support source", e.Message);
    }

    [Fact]
    public void RunHeredocs()
    {
        var r = Convert("FROM alpine\nRUN <<EOF\necho one\necho two\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nRUN cat <<A <<B\nx\nA\ny\nB\n");
        var runs = Ops<ExecOp>(r).ToArray();
        Assert.Equal(["/bin/sh", "-c", "echo one\necho two\n"], runs[0].Args);
        Assert.Equal(["/bin/sh", "-c", "/dev/pipes/EOF"], runs[1].Args);
        var pipe = runs[1].Mounts.Single();
        Assert.Equal("/dev/pipes/", pipe.Target);
        var script = (FileMkfileAction)((FileOp)r.Graph[pipe.Source!.Digest].Op).Actions.Single();
        Assert.Equal("#!/usr/bin/env python3\nprint(1)\n", script.Data);
        Assert.Equal(493u, script.Mode);
        Assert.Equal(["/bin/sh", "-c", "cat <<A <<B\nx\nA\ny\nB"], runs[2].Args);
        Assert.Equal("[2/4] RUN <<EOF (echo one...)", Described(r, "echo one").Metadata.Description);
    }

    [Fact]
    public void CopyActionsAndContextPaths()
    {
        var r = Convert("FROM alpine\nWORKDIR /app\nCOPY --chown=app:app --chmod=0644 --exclude=*.md src/ lib ./\n");
        var copy = Ops<FileOp>(r).Last();
        var actions = copy.Actions.Cast<FileCopyAction>().ToArray();
        Assert.Equal(["/src", "/lib"], actions.Select(a => a.SourcePath));
        Assert.All(actions, a =>
        {
            Assert.Equal("/app/", a.Dest);
            Assert.Equal("app:app", a.Chown);
            Assert.Equal(420u, a.Mode);
            Assert.True(a.FollowSymlinks);
            Assert.True(a.CopyDirContentsOnly);
            Assert.True(a.CreateDestPath);
            Assert.True(a.AllowWildcard);
            Assert.True(a.AllowEmptyWildcard);
            Assert.False(a.AttemptUnpack);
            Assert.Equal(["*.md"], a.ExcludePatterns);
        });
        Assert.Equal("COPY --chown=app:app --chmod=0644 src/ lib ./ # buildkit", History(r)[^1]);
        var context = Ops<SourceOp>(r).Single(s => s.SourceKind == SourceKind.Local);
        Assert.Equal(["lib", "src"], context.FollowPaths);
        Assert.Equal(["lib", "src"], r.ContextPaths);
        Assert.Equal("context", context.Identifier);
    }

    [Fact]
    public void CopyChmodValidation()
    {
        Assert.Equal("u+x", Ops<FileOp>(Convert("FROM alpine\nCOPY --chmod=u+x a /b\n")).Single().Actions.Cast<FileCopyAction>().Single().ModeString);
        var e = Assert.Throws<DockerfileException>(() => Convert("FROM alpine\nCOPY --chmod=0999 a /b\n"));
        Assert.Equal("Dockerfile:2: invalid chmod parameter: '0999'. it should be octal string and between 0 and 07777", e.Message);
        e = Assert.Throws<DockerfileException>(() => Convert("FROM alpine\nCOPY --chmod=17777 a /b\n"));
        Assert.Equal("Dockerfile:2: invalid chmod parameter: '17777'. it should be octal string and between 0 and 07777", e.Message);
    }

    [Fact]
    public void AddSources()
    {
        var r = Convert("FROM alpine\nADD --checksum=sha256:abc https://example.com/x/app.tar.gz /opt/\nADD https://github.com/moby/buildkit.git#v0.1 /src\nADD local.tar /\n");
        var http = Ops<SourceOp>(r).Single(s => s.SourceKind == SourceKind.Http);
        Assert.Equal("app.tar.gz", http.Filename);
        Assert.Equal("sha256:abc", http.Checksum);
        Assert.Single(Ops<SourceOp>(r), s => s.SourceKind == SourceKind.Git);
        var local = Ops<FileOp>(r).Last().Actions.Cast<FileCopyAction>().Single();
        Assert.True(local.AttemptUnpack);
        Assert.Equal("Dockerfile:2: source can't be a URL for COPY",
            Assert.Throws<DockerfileException>(() => Convert("FROM alpine\nCOPY https://x/y /\n")).Message);
        Assert.Equal("Dockerfile:2: checksum requires HTTP(S) or Git sources",
            Assert.Throws<DockerfileException>(() => Convert("FROM alpine\nADD --checksum=sha256:a x /\n")).Message);
    }

    [Fact]
    public void CopyHeredocExpandsUnlessQuoted()
    {
        var r = Convert("FROM alpine\nENV NAME=world\nCOPY <<EOF <<\"RAW\" /etc/\nhello $NAME\nEOF\nhello $NAME\nRAW\n");
        var files = Ops<FileOp>(r).SelectMany(f => f.Actions).OfType<FileMkfileAction>().ToArray();
        Assert.Equal(["hello world\n", "hello $NAME\n"], files.Select(f => f.Data));
        Assert.Equal(420u, files[0].Mode);
        Assert.Equal("COPY <<EOF <<RAW /etc/ # buildkit", History(r)[^1]);
    }

    [Fact]
    public void CopyLinkUsesAMergeOp()
    {
        var r = Convert("FROM alpine\nCOPY --link a /a\n");
        var merge = Ops<MergeOp>(r).Single();
        var copy = (FileOp)r.Graph[merge.Layers[1].Digest].Op;
        Assert.Null(copy.Base);
        Assert.Equal(Ops<SourceOp>(r).Single(s => s.SourceKind == SourceKind.Image).ComputeDigest(), merge.Layers[0].Digest);
        var mergeVertex = r.Graph.Vertices.Single(v => v.Op is MergeOp);
        Assert.Equal("[2/2] LINK COPY --link a /a", mergeVertex.Metadata.Description);
        Assert.Equal("[2/2] COPY --link a /a", r.Graph[merge.Layers[1].Digest].Metadata.Description);
        Assert.Equal(r.Root, new OpInput(mergeVertex.Digest));
    }

    [Fact]
    public void CopyParents()
    {
        var r = Convert("FROM alpine\nCOPY --parents src/./a/b.txt x/*.go /dst/\n");
        var actions = Ops<FileOp>(r).Single().Actions.Cast<FileCopyAction>().ToArray();
        Assert.Equal("/src", actions[0].SourcePath);
        Assert.Equal(["a/b.txt"], actions[0].IncludePatterns);
        Assert.Equal(["/src/a/b.txt"], actions[0].RequiredPaths);
        Assert.Equal("/", actions[1].SourcePath);
        Assert.Equal(["x/*.go"], actions[1].IncludePatterns);
        Assert.Empty(actions[1].RequiredPaths);
    }

    [Fact]
    public void ScratchStageHasNoRoot()
    {
        var r = Convert("FROM scratch\nENV A=1\n");
        Assert.Null(r.Root);
        Assert.Single(r.Graph.Vertices);
        Assert.Equal("/", r.Image.Config.WorkingDir);
    }
}
