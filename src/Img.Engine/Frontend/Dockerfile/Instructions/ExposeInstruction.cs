namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>EXPOSE port[/proto] ...</c>; ports sorted as written (ordinal), expanded at conversion.</summary>
public sealed record ExposeInstruction(InstructionSource Source, IReadOnlyList<string> Ports) : Instruction(Source)
{
    public override string Name => "EXPOSE";
}
