namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>A here-document body given to RUN/CMD/ENTRYPOINT (<c>RUN &lt;&lt;EOF</c>).</summary>
/// <param name="Name">The delimiter word.</param>
/// <param name="Data">The body, each line ending in a newline, not yet chomped.</param>
/// <param name="Chomp">True for <c>&lt;&lt;-</c>: leading tabs are stripped when used.</param>
public sealed record ShellInlineFile(string Name, string Data, bool Chomp);
