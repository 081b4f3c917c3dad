namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>A problem the parser tolerates (today: empty lines inside a continuation).</summary>
/// <param name="Message">BuildKit's short warning text.</param>
/// <param name="Line">1-based line BuildKit reports it at: the instruction's last line.</param>
public sealed record ParseWarning(string Message, int Line);
