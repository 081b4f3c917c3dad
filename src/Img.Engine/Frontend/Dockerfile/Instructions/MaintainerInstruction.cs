namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary><c>MAINTAINER name</c> (deprecated; sets the image author).</summary>
public sealed record MaintainerInstruction(InstructionSource Source, string Maintainer) : Instruction(Source)
{
    public override string Name => "MAINTAINER";
}
