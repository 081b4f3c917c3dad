using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Engine.Images;

namespace Img.Cli.Commands.Images;

/// <summary><c>img tag SOURCE TARGET</c>: another name for the same image. Prints nothing, like docker.</summary>
public sealed class TagCommand : ICommand
{
    public string Name => "tag";
    public string Usage => "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]";
    public string Summary => "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE";
    public IReadOnlyList<FlagSpec> Flags => [];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count != 2)
            throw UsageException.Arguments("\"img tag\" requires exactly 2 arguments.", Name);
        var target = ImageNames.ParseNew(args.Positionals[1]);
        return StateScope.RunAsync(context, async scope =>
        {
            var source = await ImageLookup.FindOneAsync(scope.Images, scope.Content, args.Positionals[0], cancellationToken);
            await scope.Images.TagAsync(source, target, cancellationToken);
            return 0;
        }, cancellationToken);
    }
}
