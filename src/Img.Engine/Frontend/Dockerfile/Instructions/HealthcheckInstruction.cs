using Img.Engine.Oci;

namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// <c>HEALTHCHECK [--interval] [--timeout] [--start-period] [--start-interval] [--retries] CMD ...</c>
/// or <c>HEALTHCHECK NONE</c>. <see cref="Health"/> has durations in nanoseconds, as stored.
/// </summary>
public sealed record HealthcheckInstruction(InstructionSource Source, HealthConfig Health) : Instruction(Source)
{
    public override string Name => "HEALTHCHECK";
}
