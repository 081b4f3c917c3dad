namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>
/// The command of RUN, CMD or ENTRYPOINT. Shell form (<see cref="PrependShell"/> true) has a
/// single element, the words joined by spaces; exec (JSON) form keeps the array. Here-documents
/// travel in <see cref="Files"/>.
/// </summary>
/// <param name="Args">The command; null only for <c>ENTRYPOINT []</c>, which clears the entrypoint.</param>
public sealed record CommandLine(IReadOnlyList<string>? Args, bool PrependShell, IReadOnlyList<ShellInlineFile> Files);
