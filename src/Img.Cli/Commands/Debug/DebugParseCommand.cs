using Img.Cli.CommandLine;
using Img.Engine.Frontend.Dockerfile.Parsing;

namespace Img.Cli.Commands.Debug;

/// <summary><c>img debug parse FILE</c>: the AST in BuildKit's dump format, one instruction per line.</summary>
public sealed class DebugParseCommand : ICommand
{
    public string Name => "parse";
    public string Usage => "[OPTIONS] FILE | -";
    public string Summary => "Print a Dockerfile's syntax tree in BuildKit's dump format";
    public IReadOnlyList<FlagSpec> Flags => [];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count != 1)
            throw UsageException.Arguments("\"img debug parse\" requires exactly 1 argument.", "debug parse");
        var (name, bytes) = await DockerfileInput.ReadAsync(context, args.Positionals[0], cancellationToken);
        ParseResult result;
        try
        {
            result = DockerfileParser.Parse(bytes);
        }
        catch (DockerfileParseException e)
        {
            throw new UserFacingException($"{name}:{e.Line}: {e.Message}");
        }
        foreach (var w in result.Warnings)
            await context.Error.WriteLineAsync($"WARNING: {name}:{w.Line}: {w.Message}");
        await context.Out.WriteAsync(AstDumper.Dump(result.Root));
        await context.Out.WriteAsync("\n");
        return 0;
    }
}
