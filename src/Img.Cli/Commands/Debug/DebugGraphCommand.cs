using Img.Cli.CommandLine;
using Img.Engine.Context.Ignore;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Frontend.Dockerfile.Instructions;
using Img.Engine.Graph;
using Img.Engine.Platforms;

namespace Img.Cli.Commands.Debug;

/// <summary><c>img debug graph FILE</c>: the build graph a Dockerfile converts to, as text or Graphviz.</summary>
public sealed class DebugGraphCommand : ICommand
{
    private static readonly FlagSpec Target = new("target", null, true, "Set the target build stage to build", ValueName: "string");
    private static readonly FlagSpec BuildArg = new("build-arg", null, true, "Set build-time variables", Repeatable: true);
    private static readonly FlagSpec Platform = new("platform", null, true, "Set the target platform for the build", ValueName: "string");
    private static readonly FlagSpec Format = new("format", null, true, "Output format: text or dot", ValueName: "string");

    public string Name => "graph";
    public string Usage => "[OPTIONS] FILE | -";
    public string Summary => "Print the build graph a Dockerfile converts to";
    public IReadOnlyList<FlagSpec> Flags => [Target, BuildArg, Platform, Format];

    public async Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count != 1)
            throw UsageException.Arguments("\"img debug graph\" requires exactly 1 argument.", "debug graph");
        var format = args.Value(Format.Name) ?? "text";
        if (format is not ("text" or "dot"))
            throw new UsageException($"invalid argument \"{format}\" for \"--format\" flag: must be text or dot", "debug graph");

        var (name, bytes) = await DockerfileInput.ReadAsync(context, args.Positionals[0], cancellationToken);
        var platforms = ParsePlatforms(args.Value(Platform.Name));
        var options = new ConvertOptions
        {
            Target = args.Value(Target.Name) ?? "",
            BuildArgs = BuildArgs.Parse(args.Values(BuildArg.Name), BuildArg.Name),
            TargetPlatform = platforms.Count == 1 ? platforms[0] : null,
            DockerfileName = name,
            ContextExcludePatterns = IgnorePatternsBeside(context, args.Positionals[0]),
        };
        ConversionResult result;
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            result = platforms.Count > 1
                ? await MultiPlatformConverter.ConvertAsync(text, options, platforms, cancellationToken)
                : await DockerfileConverter.ConvertAsync(text, options, cancellationToken);
        }
        catch (DockerfileException e)
        {
            throw new UserFacingException(e.Message);
        }
        await context.Out.WriteAsync(format == "dot" ? GraphPrinter.ToDot(result.Graph) : GraphPrinter.ToText(result.Graph));
        return 0;
    }

    /// <summary>One platform, or several separated by commas (a multi-platform build's joined graph).</summary>
    private static List<Img.Engine.Oci.Platform> ParsePlatforms(string? value)
    {
        var platforms = new List<Img.Engine.Oci.Platform>();
        foreach (var item in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                var platform = PlatformSpec.Parse(item);
                if (!platforms.Contains(platform))
                    platforms.Add(platform);
            }
            catch (FormatException e)
            {
                throw new UsageException($"invalid argument \"{item}\" for \"--platform\" flag: {e.Message}", "debug graph");
            }
        }
        return platforms;
    }

    /// <summary>The graph's context source carries the .dockerignore patterns of the Dockerfile's directory.</summary>
    private static IReadOnlyList<string> IgnorePatternsBeside(CommandContext context, string argument)
    {
        if (argument == "-") return [];
        var path = context.ResolvePath(argument);
        var dockerfile = Directory.Exists(path) ? Path.Combine(path, "Dockerfile") : path;
        var dir = Path.GetDirectoryName(dockerfile)!;
        return ContextFilter.Load(dir, dockerfile).Patterns;
    }
}
