namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// <c>RUN [--mount=...] [--network=default|none|host] [--security=sandbox|insecure] command</c>.
/// <see cref="MountSpecs"/> are kept as written because mounts expand variables at conversion
/// time; <see cref="Mounts"/> is the parse-time view (only <see cref="RunMount.From"/> is known).
/// </summary>
public sealed record RunInstruction(
    InstructionSource Source,
    CommandLine Command,
    IReadOnlyList<string> MountSpecs,
    IReadOnlyList<RunMount> Mounts,
    string Network,
    string Security,
    IReadOnlyList<string> FlagsUsed) : Instruction(Source)
{
    public override string Name => "RUN";

    /// <summary>Parses <see cref="MountSpecs"/> with every value expanded through <paramref name="expand"/>.</summary>
    public IReadOnlyList<RunMount> ExpandMounts(Func<string, string> expand) =>
        MountSpecs.Select(spec => RunMount.Parse(spec, expand)).ToArray();
}
