using Img.Cli.CommandLine;

namespace Img.Cli.Commands;

/// <summary>
/// A command with its <see cref="ICommand.UserNamespace"/> given from outside, for a command
/// whose file cannot declare it yet (<c>Build/BuildCommand.cs</c> is being rewritten by the
/// cluster work). Once the command declares the property itself, unwrap it in <see cref="CommandCatalog"/>
/// and delete this class.
/// </summary>
public sealed class CommandInUserNamespace(ICommand inner, UserNamespaceUse use) : ICommand
{
    public string Name => inner.Name;
    public string Usage => inner.Usage;
    public string Summary => inner.Summary;
    public IReadOnlyList<FlagSpec> Flags => inner.Flags;
    public UserNamespaceUse UserNamespace => use;

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken) =>
        inner.RunAsync(context, args, cancellationToken);
}
