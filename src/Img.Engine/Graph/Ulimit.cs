namespace Img.Engine.Graph;

/// <summary>
/// One <c>--ulimit NAME=SOFT[:HARD]</c> of a RUN step: a process resource limit the runtime
/// sets (runc's <c>process.rlimits</c>, type <c>RLIMIT_</c> + the upper-cased name). -1 is
/// unlimited, as docker writes it. BuildKit's <c>pb.Ulimit</c> in the exec op's meta.
/// </summary>
public sealed record Ulimit(string Name, long Soft, long Hard);
