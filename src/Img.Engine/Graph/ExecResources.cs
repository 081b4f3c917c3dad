namespace Img.Engine.Graph;

/// <summary>
/// What <c>--add-host</c>, <c>--shm-size</c>, <c>--ulimit</c> and <c>--cgroup-parent</c> give a
/// RUN step (BuildKit's exec op meta), as one value of the op schema: absent from the digest when
/// the step has none of them (as protobuf leaves out empty fields), so steps without them keep
/// their digests and cache keys, and steps with them get others (BuildKit hashes them too).
/// </summary>
public sealed record ExecResources(IReadOnlyList<ExtraHost> ExtraHosts, long ShmSize, IReadOnlyList<Ulimit> Ulimits, string CgroupParent)
{
    /// <summary>The op's resources; null when it has none.</summary>
    public static ExecResources? Of(ExecOp op) =>
        op.ExtraHosts.Count == 0 && op.ShmSize == 0 && op.Ulimits.Count == 0 && op.CgroupParent.Length == 0
            ? null
            : new ExecResources(op.ExtraHosts, op.ShmSize, op.Ulimits, op.CgroupParent);
}
