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
        ICommand? resolved = null;
        try
        {
            var invocation = CommandInvocation.Resolve(_commands, args);
            if (invocation.Globals.Bool(GlobalFlags.Version.Name))
            {
                // docker --version: one line, whatever follows
                await stdout.WriteLineAsync(VersionCommand.OneLine());
                return 0;
            }
            if (invocation.Command is not { } command)
            {
                if (invocation.Globals.Bool(GlobalFlags.Help.Name))
                {
                    await stdout.WriteAsync(HelpWriter.ForRoot(_commands));
                    return 0;
                }
                await stderr.WriteAsync(HelpWriter.ForRoot(_commands));
                return 1;
            }
            commandPath = invocation.Path!;
            resolved = command;
            var parsed = invocation.ParseFlags();
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
                StateFlag = invocation.StateFlag(parsed),
                Debug = invocation.Debug(parsed),
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
            // a bad global flag has the empty path: docker says "See 'docker --help'."
            if (path is not null && e.ExitCode == 125)
                await stderr.WriteLineAsync(path.Length == 0 ? "See 'img --help'." : $"See 'img {path} --help'.");
            if (e.ShowsUsage && path is not null)
            {
                await stderr.WriteLineAsync($"See 'img {path} --help'.");
                if (resolved is not null && path == commandPath)
                    await stderr.WriteLineAsync($"\nUsage:  img {path} {resolved.Usage}\n\n{resolved.Summary}");
            }
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
}
