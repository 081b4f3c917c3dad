namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>An inline file for COPY/ADD written as a here-document (<c>COPY &lt;&lt;EOF /dst</c>).</summary>
/// <param name="Path">The file name: the delimiter word.</param>
/// <param name="Data">The body (already chomped for <c>&lt;&lt;-</c>).</param>
/// <param name="Expand">False when the delimiter was quoted: no variable expansion of the body.</param>
public sealed record SourceContent(string Path, string Data, bool Expand);
