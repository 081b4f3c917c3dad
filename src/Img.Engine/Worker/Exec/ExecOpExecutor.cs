using Img.Engine.Execution;
using Img.Engine.Graph;
using Img.Engine.Solver;

namespace Img.Engine.Worker.Exec;

/// <summary>
/// RUN (BuildKit's <c>ops/exec.go</c>): an active snapshot on the root input, the <c>--mount</c>s,
/// the process through <see cref="IContainerRuntime"/> with its output streamed to the vertex log, then
/// commit. A non-zero exit throws <see cref="ProcessFailedException"/> and drops the snapshot.
/// The layer is not diffed here: the exporter diffs lazily, as BuildKit does.
/// </summary>
internal sealed class ExecOpExecutor(StepSnapshots steps, IContainerRuntime runtime, CacheMountStore caches)
{
    public async Task<CacheResult> ExecuteAsync(VertexJob job, ExecOp op, InputResults inputs, IBuildSession session, CancellationToken ct)
    {
        var parent = inputs.Reference(op.Root).SnapshotOrNull("the root filesystem of RUN");
        await using var step = await steps.PrepareAsync(parent, ct).ConfigureAwait(false);
        await using var mounts = new RunMounts(steps, caches, session);
        foreach (var mount in op.Mounts)
            await mounts.AddAsync(mount, inputs, ct).ConfigureAwait(false);

        var spec = new ExecSpec
        {
            Args = op.Args,
            Env = mounts.Env.Count == 0 ? op.Env : [.. op.Env, .. mounts.Env],
            Cwd = string.IsNullOrEmpty(op.Cwd) ? "/" : op.Cwd,
            User = string.IsNullOrEmpty(op.User) ? null : op.User,
            Network = op.Network,
            Mounts = mounts.Mounts,
            ExtraHosts = [.. op.ExtraHosts.Select(h => KeyValuePair.Create(h.Host, h.Address))],
            ShmSize = op.ShmSize,
            Ulimits = op.Ulimits,
            CgroupParent = op.CgroupParent,
        };
        var log = job.Log;
        var output = new ExecOutput(line => log.WriteLine(VertexLogStream.Stdout, line), line => log.WriteLine(VertexLogStream.Stderr, line));
        var exit = await runtime.RunAsync(spec, step.Mounts, output, ct).ConfigureAwait(false);
        if (exit != 0)
            throw new ProcessFailedException(op.Args, exit);
        await mounts.DisposeAsync().ConfigureAwait(false);

        var name = await step.CommitAsync(StepSnapshots.NewName(job), steps.LineageLabels(job, inputs[op.Root], parent), ct).ConfigureAwait(false);
        return new CacheResult(name);
    }
}
