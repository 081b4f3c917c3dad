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

    /// <summary>The fields, in digest and wire order.</summary>
    public static OpSchema<ExecOp> Schema { get; } = new OpSchema<ExecOp>("exec", () => new(null, [], [], "", ""))
        .Input("root", x => x.Root, (x, v) => x with { Root = v })
        .Strings("args", x => x.Args, (x, v) => x with { Args = v })
        .Strings("env", x => x.Env, (x, v) => x with { Env = v })
        .String("cwd", x => x.Cwd, (x, v) => x with { Cwd = v })
        .String("user", x => x.User, (x, v) => x with { User = v })
        .Enum("network", x => x.Network, (x, v) => x with { Network = v })
        .Enum("security", x => x.Security, (x, v) => x with { Security = v })
        .Records("mounts", ExecMount.Schema, x => x.Mounts, (x, v) => x with { Mounts = v })
        .Resources("resources", ExecResources.Of, (x, v) => x with
        {
            ExtraHosts = v?.ExtraHosts ?? [],
            ShmSize = v?.ShmSize ?? 0,
            Ulimits = v?.Ulimits ?? [],
            CgroupParent = v?.CgroupParent ?? "",
        });

    public override string Kind => Schema.Kind;

    public override IReadOnlyList<OpInput> Inputs => Distinct(Mounts.Select(m => m.Source).Prepend(Root));

    public override BuildOp MapInputs(Func<OpInput, OpInput> map) => this with
    {
        Root = Root is null ? null : map(Root),
        Mounts = Mounts.Select(m => m.Source is null ? m : m with { Source = map(m.Source) }).ToArray(),
    };
}
