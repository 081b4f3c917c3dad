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
    }
}
