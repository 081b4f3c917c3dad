using Img.Cli.Commands;

namespace Img.Cli.CommandLine;

/// <summary>
/// <c>img [global options] COMMAND [SUBCOMMAND] [options] [args]</c> split the way docker splits
/// it: global flags before the command name, then the command (a group's subcommand when the next
/// word names one), then its own arguments. The app and the rootless re-exec both read the
/// command line through this, so they never disagree on which command runs.
/// </summary>
public sealed record CommandInvocation(ParsedArgs Globals, ICommand? Command, string? Path, IReadOnlyList<string> Arguments)
{
    /// <summary>Splits <paramref name="args"/>; <see cref="Command"/> is null when no word follows the global flags.</summary>
    /// <exception cref="UsageException">An unknown command or subcommand, or a bad global flag.</exception>
    public static CommandInvocation Resolve(IReadOnlyList<ICommand> commands, IReadOnlyList<string> args)
    {
        var i = 0;
        var head = new List<string>();
        while (i < args.Count && args[i].StartsWith('-') && args[i] != "-")
        {
            head.Add(args[i]);
            var spec = GlobalFlags.All.Concat(GlobalFlags.RootOnly).FirstOrDefault(f => args[i] == "--" + f.Name || args[i] == $"-{f.Short}");
            if (spec is { TakesValue: true } && i + 1 < args.Count)
                head.Add(args[++i]);
            i++;
        }
        var globals = FlagParser.Parse("", [.. GlobalFlags.All, .. GlobalFlags.RootOnly], head);
        if (i == args.Count)
            return new CommandInvocation(globals, null, null, []);

        var command = commands.FirstOrDefault(c => c.Name == args[i])
            ?? throw new UsageException($"unknown command: \"{args[i]}\"\nSee 'img --help'", null, 1);
        var path = command.Name;
        if (command is CommandGroup group && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
        {
            command = group.Subcommands.FirstOrDefault(c => c.Name == args[i + 1])
                ?? throw new UsageException($"unknown command: \"{group.Name} {args[i + 1]}\"\nSee 'img {group.Name} --help'", null, 1);
            path = $"{group.Name} {command.Name}";
            i++;
        }
        return new CommandInvocation(globals, command, path, args.Skip(i + 1).ToList());
    }

    /// <summary>The command's flags (global ones included) and positional arguments.</summary>
    /// <exception cref="UsageException">A flag the command does not know, or a missing value.</exception>
    public ParsedArgs ParseFlags() =>
        FlagParser.Parse(Path ?? "", [.. Command?.Flags ?? [], .. GlobalFlags.All], Arguments);

    /// <summary>Whether <c>--help</c> was given before or after the command name.</summary>
    public bool WantsHelp(ParsedArgs flags) => Globals.Bool(GlobalFlags.Help.Name) || flags.Bool(GlobalFlags.Help.Name);

    /// <summary><c>--state</c>, after the command name winning over before it.</summary>
    public string? StateFlag(ParsedArgs flags) => flags.Value(GlobalFlags.State.Name) ?? Globals.Value(GlobalFlags.State.Name);

    /// <summary><c>--debug</c> before or after the command name.</summary>
    public bool Debug(ParsedArgs flags) => flags.Bool(GlobalFlags.Debug.Name) || Globals.Bool(GlobalFlags.Debug.Name);
}
