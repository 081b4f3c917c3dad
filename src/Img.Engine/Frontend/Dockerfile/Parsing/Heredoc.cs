namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>A here-document attached to an instruction (<c>RUN &lt;&lt;EOF</c>, <c>COPY &lt;&lt;EOF /dst</c>).</summary>
/// <param name="Name">The delimiter word, without quotes.</param>
/// <param name="FileDescriptor">0 unless written as <c>3&lt;&lt;EOF</c>.</param>
/// <param name="Expand">False when the delimiter was quoted: the body is taken literally.</param>
/// <param name="Chomp">True for <c>&lt;&lt;-</c>: leading tabs are stripped from body lines.</param>
/// <param name="Content">The body, each line ending in a newline.</param>
public sealed record Heredoc(string Name, int FileDescriptor, bool Expand, bool Chomp, string Content);
