namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// The Dockerfile could not be parsed. <see cref="Exception.Message"/> is BuildKit's message;
/// <see cref="Line"/>..<see cref="EndLine"/> is the location BuildKit attaches to it (1-based
/// for instructions; BuildKit reports directive errors at the 0-based index of the line).
/// </summary>
public sealed class DockerfileParseException : Exception
{
    public DockerfileParseException(string message, int line, int endLine)
        : base(message)
    {
        Line = line;
        EndLine = Math.Max(line, endLine);
    }

    public int Line { get; }
    public int EndLine { get; }
}
