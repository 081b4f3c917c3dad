namespace Img.Engine.Graph;

/// <summary>
/// Runs a process on top of <see cref="Root"/> (RUN). Output 0 is the changed root filesystem;
/// other mounts produce no output.
/// </summary>
/// <param name="Root">The root filesystem; null = scratch.</param>
/// <param name="Args">argv, shell already prepended for shell form.</param>
/// <param name="Env"><c>NAME=value</c> pairs sorted by name (ordinal).</param>
public sealed record ExecOp(OpInput? Root, IReadOnlyList<string> Args, IReadOnlyList<string> Env, string Cwd, string User) : BuildOp
{
    public NetworkMode Network { get; init; } = NetworkMode.Default;
    public SecurityMode Security { get; init; } = SecurityMode.Sandbox;
    public IReadOnlyList<ExecMount> Mounts { get; init; } = [];

    /// <summary><c>--add-host</c>: lines appended to the step's <c>/etc/hosts</c>, in order.</summary>
    public IReadOnlyList<ExtraHost> ExtraHosts { get; init; } = [];

    /// <summary><c>--shm-size</c> in bytes; 0 = the runtime's default (64 MiB, as docker's).</summary>
    public long ShmSize { get; init; }

    /// <summary><c>--ulimit</c>: resource limits of the step's process, replacing the defaults of the same name.</summary>
    public IReadOnlyList<Ulimit> Ulimits { get; init; } = [];

    /// <summary><c>--cgroup-parent</c>: the cgroup the step's container is created under; "" = the runtime's choice.</summary>
    public string CgroupParent { get; init; } = "";

    public override string Kind => "exec";

    public override IReadOnlyList<OpInput> Inputs => Distinct(Mounts.Select(m => m.Source).Prepend(Root));

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with
    {
        Root = Root is null ? null : map(Root),
        Mounts = Mounts.Select(m => m.Source is null ? m : m with { Source = map(m.Source) }).ToArray(),
    };

    public override void Encode(CanonicalWriter w)
    {
        w.Field("root").Input(Root);
        w.Field("args").Strings(Args);
        w.Field("env").Strings(Env);
        w.Field("cwd").String(Cwd);
        w.Field("user").String(User);
        w.Field("network").Int((int)Network);
        w.Field("security").Int((int)Security);
        w.Field("mounts").List(Mounts, (writer, m) => m.Encode(writer));
        // Written only when set, as protobuf leaves out empty fields of BuildKit's exec meta: a
        // step without them keeps the digest (and cache key) it always had; one with them gets
        // another, since they change what the step can do (BuildKit hashes them too).
        if (ExtraHosts.Count > 0)
            w.Field("extrahosts").List(ExtraHosts, (writer, h) => writer.String(h.Host).String(h.Address));
        if (ShmSize != 0)
            w.Field("shmsize").Int(ShmSize);
        if (Ulimits.Count > 0)
            w.Field("ulimits").List(Ulimits, (writer, u) => writer.String(u.Name).Int(u.Soft).Int(u.Hard));
        if (CgroupParent.Length > 0)
            w.Field("cgroupparent").String(CgroupParent);
    }
}
