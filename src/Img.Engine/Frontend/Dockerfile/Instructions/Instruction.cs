namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// Where an instruction came from: the keyword as written, its source text (trimmed, continuation
/// lines joined) and its lines. Shared by every typed instruction.
/// </summary>
/// <param name="Keyword">The keyword as written (<c>RUN</c>, <c>run</c>).</param>
/// <param name="SourceCode">The instruction's text, trimmed; BuildKit uses it for progress names.</param>
/// <param name="StartLine">1-based first line.</param>
/// <param name="EndLine">1-based last line.</param>
public sealed record InstructionSource(string Keyword, string SourceCode, int StartLine, int EndLine)
{
    public static InstructionSource None { get; } = new("", "", 0, 0);
}

/// <summary>
/// One typed Dockerfile instruction (the frontend's equivalent of BuildKit's <c>instructions.Command</c>).
/// Instances are immutable; the converter expands variables into new instances.
/// </summary>
public abstract record Instruction(InstructionSource Source)
{
    /// <summary>The upper-case keyword (<c>RUN</c>), independent of how it was written.</summary>
    public abstract string Name { get; }

    public int Line => Source.StartLine;

    /// <summary>The source text, as BuildKit's <c>String()</c> returns it.</summary>
    public sealed override string ToString() => Source.SourceCode;
}
