namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>
/// A parse error raised below the line loop, before its location is known; the parser turns it
/// into a <see cref="DockerfileParseException"/> with the lines of the instruction at hand.
/// </summary>
internal sealed class ParseFailure(string message) : Exception(message);
