using Img.Cli.CommandLine;

namespace Img.Cli.Commands;

/// <summary>One top-level <c>img</c> command, named and flagged as docker names it.</summary>
public interface ICommand
{
    string Name { get; }
    /// <summary>The argument synopsis after the command name, e.g. <c>[OPTIONS] PATH | -</c>.</summary>
    string Usage { get; }
    string Summary { get; }
    IReadOnlyList<FlagSpec> Flags { get; }
    /// <summary>Whether a non-root user runs it inside a user namespace.</summary>
    UserNamespaceUse UserNamespace => UserNamespaceUse.None;
    Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken);
}
