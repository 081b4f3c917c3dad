namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// A Dockerfile the frontend cannot turn into a build: the message names the file and line the
/// way users read them, <c>Dockerfile:3: unknown instruction: RUNN (did you mean RUN?)</c>.
/// <see cref="Line"/> is 0 when the problem has no single location (an empty Dockerfile, an
/// unknown <c>--target</c>); the message is then <c>Dockerfile: reason</c>.
/// </summary>
public sealed class DockerfileException : Exception
{
    public DockerfileException(string fileName, int line, string reason, Exception? inner = null)
        : base(Format(fileName, line, reason), inner)
    {
        FileName = fileName;
        Line = line;
        Reason = reason;
    }

    /// <summary>The Dockerfile's name as the user gave it (<c>-f build/app.Dockerfile</c>).</summary>
    public string FileName { get; }

    /// <summary>1-based line of the offending instruction, or 0.</summary>
    public int Line { get; }

    /// <summary>The message without the location prefix (BuildKit's wording).</summary>
    public string Reason { get; }

    /// <summary>
    /// An instruction that does not parse (unknown instruction, bad flag, missing arguments):
    /// BuildKit reports these as <c>dockerfile parse error on line N: REASON</c>.
    /// </summary>
    public bool IsInstructionParseError { get; init; }

    /// <summary>The reason as BuildKit's solve error says it.</summary>
    public string SolveReason => IsInstructionParseError && Line > 0 ? $"dockerfile parse error on line {Line}: {Reason}" : Reason;

    public override string ToString() => Message;

    private static string Format(string fileName, int line, string reason) =>
        line > 0 ? $"{fileName}:{line}: {reason}" : $"{fileName}: {reason}";
}
