using Img.Cli.CommandLine;
using Img.Cli.Commands;
using Img.Cli.Hosting;
using Img.Engine.Registry.Credentials;

namespace Img.Cli;

/// <summary>
/// Dispatches <c>img [global options] COMMAND [options] [args]</c> to a command and maps
/// failures to docker's conventions: message on stderr, 125 for flag misuse, 1 otherwise.
/// </summary>
public sealed class ImgApp
{
    private readonly IReadOnlyList<ICommand> _commands;

    public ImgApp(IReadOnlyList<ICommand> commands) => _commands = commands;

    public static ImgApp Default() => new(CommandCatalog.All());

    /// <summary>Where docker's <c>config.json</c> lives; null means <c>DOCKER_CONFIG</c>, else <c>~/.docker</c>.</summary>
    public string? DockerConfigDirectory { get; init; }

    /// <summary>The terminal to prompt on (login), or null when there is none.</summary>
    public ITerminal? Terminal { get; init; }

    /// <summary>Whether the process's stderr is a terminal (live progress).</summary>
    public bool StderrIsTerminal { get; init; }

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, Func<Stream> openStdin, CancellationToken cancellationToken)
    {
        string? commandPath = null;
        try
        {
            var (globals, rest) = SplitGlobals(args);
            if (rest.Count == 0)
            {
                if (globals.Bool(GlobalFlags.Help.Name))
                {
                    await stdout.WriteAsync(HelpWriter.ForRoot(_commands));
                    return 0;
                }
                await stderr.WriteAsync(HelpWriter.ForRoot(_commands));
                return 1;
            }

            var command = _commands.FirstOrDefault(c => c.Name == rest[0]);
            if (command is null)
                throw new UsageException($"unknown command: \"{rest[0]}\"\nSee 'img --help'", null, 1);
            commandPath = command.Name;
            if (command is CommandGroup group && rest.Count > 1 && !rest[1].StartsWith('-'))
            {
                command = group.Subcommands.FirstOrDefault(c => c.Name == rest[1])
                    ?? throw new UsageException($"unknown command: \"{group.Name} {rest[1]}\"\nSee 'img {group.Name} --help'", null, 1);
                commandPath = $"{group.Name} {command.Name}";
                rest = rest.Skip(1).ToList();
            }

            var specs = command.Flags.Concat(GlobalFlags.All).ToList();
            var parsed = FlagParser.Parse(commandPath, specs, rest.Skip(1).ToList());
            if (parsed.Bool(GlobalFlags.Help.Name))
            {
                await stdout.WriteAsync(HelpWriter.ForCommand(commandPath, command));
                return 0;
            }
            var context = new CommandContext
            {
                Out = stdout,
                Error = stderr,
                OpenStdin = openStdin,
                StateFlag = parsed.Value(GlobalFlags.State.Name) ?? globals.Value(GlobalFlags.State.Name),
                Debug = parsed.Bool(GlobalFlags.Debug.Name) || globals.Bool(GlobalFlags.Debug.Name),
                DockerConfigPath = DockerConfigDirectory is { } dir ? Path.Combine(dir, "config.json") : DockerConfigFile.DefaultPath(),
                Terminal = Terminal,
                StderrIsTerminal = StderrIsTerminal,
            };
            return await command.RunAsync(context, parsed, cancellationToken);
        }
        catch (UsageException e)
        {
            var path = e.Command ?? commandPath;
            await stderr.WriteLineAsync(e.Message);
            if (path is not null && e.ExitCode == 125)
                await stderr.WriteLineAsync($"See 'img {path} --help'.");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("ERROR: canceled");
            return 130;
        }
        catch (UserFacingException e)
        {
            await stderr.WriteLineAsync("ERROR: " + e.Message);
            return e.ExitCode;
        }
    }

    /// <summary>Global flags may come before the command name, as with docker.</summary>
    private static (ParsedArgs Globals, IReadOnlyList<string> Remaining) SplitGlobals(IReadOnlyList<string> args)
    {
        var i = 0;
        var head = new List<string>();
        while (i < args.Count && args[i].StartsWith('-') && args[i] != "-")
        {
            head.Add(args[i]);
            var spec = GlobalFlags.All.FirstOrDefault(f => args[i] == "--" + f.Name || args[i] == $"-{f.Short}");
            if (spec is { TakesValue: true } && i + 1 < args.Count)
                head.Add(args[++i]);
            i++;
        }
        return (FlagParser.Parse("", GlobalFlags.All, head), args.Skip(i).ToList());
    }
}
