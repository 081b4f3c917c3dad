namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// A rule of one instruction was broken. Carries BuildKit's message and, once known, the line;
/// <see cref="InstructionParser"/> and the converter turn it into a <see cref="DockerfileException"/>
/// that also names the file.
/// </summary>
public sealed class InstructionException : Exception
{
    public InstructionException(string message, int line = 0, Exception? inner = null)
        : base(message, inner)
    {
        Line = line;
    }

    /// <summary>1-based line, 0 when the thrower did not know it.</summary>
    public int Line { get; }

    public InstructionException AtLine(int line) => Line > 0 ? this : new InstructionException(Message, line, InnerException);
}
