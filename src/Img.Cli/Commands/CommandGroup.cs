using Img.Cli.CommandLine;

namespace Img.Cli.Commands;

/// <summary>A command whose first argument names a subcommand (<c>img debug parse</c>).</summary>
public sealed class CommandGroup(string name, string summary, IReadOnlyList<ICommand> subcommands) : ICommand
{
    public string Name { get; } = name;
    public string Usage => "COMMAND";
    public string Summary { get; } = summary;
    public IReadOnlyList<FlagSpec> Flags => [];
    public IReadOnlyList<ICommand> Subcommands { get; } = subcommands;

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken) =>
        throw new UsageException(
            $"\"img {Name}\" requires a subcommand: {string.Join(", ", Subcommands.Select(s => s.Name))}", Name, 1);
}
