namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>A parsed Dockerfile: the global ARGs before the first FROM, and the stages.</summary>
/// <param name="EscapeToken">The escape character in effect (<c># escape=`</c>).</param>
public sealed record DockerfileInstructions(IReadOnlyList<ArgInstruction> MetaArgs, IReadOnlyList<Stage> Stages, char EscapeToken = '\\');
