using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Engine.Images;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img rm IMAGE...</c> (alias <c>rmi</c>): removes names, printing <c>Untagged: NAME</c>.
/// An unknown image is reported (<c>ERROR: No such image: NAME</c>) and the others are still
/// removed; the exit code is then 1. An id naming several images needs <c>--force</c>.
/// The blobs stay until <c>img prune</c>.
/// </summary>
public sealed class RmCommand(string name = "rm") : ICommand
{
    private static readonly FlagSpec Force = new("force", 'f', false, "Force removal of the image");
    private static readonly FlagSpec NoPrune = new("no-prune", null, false, "Do not delete untagged parents (accepted for compatibility)");

    public string Name { get; } = name;
    public string Usage => "[OPTIONS] IMAGE [IMAGE...]";
    public string Summary => "Remove one or more images";
    public IReadOnlyList<FlagSpec> Flags => [Force, NoPrune];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count == 0)
            throw UsageException.Arguments($"\"img {Name}\" requires at least 1 argument.", Name);
        var force = args.Bool(Force.Name);
        return StateScope.RunAsync(context, async scope =>
        {
            var exit = 0;
            foreach (var text in args.Positionals)
            {
                try
                {
                    var images = await ImageLookup.FindAsync(scope.Images, scope.Content, text, cancellationToken);
                    if (images.Count > 1 && !force)
                        throw new UserFacingException($"conflict: unable to delete {text} (must be forced) - image is referenced in multiple repositories");
                    foreach (var image in images)
                    {
                        if (await scope.Images.DeleteAsync(image.Name, cancellationToken))
                            await context.Out.WriteLineAsync("Untagged: " + ImageNames.Familiar(image.Name));
                    }
                }
                catch (Exception e) when ((e as UserFacingException ?? StateScope.ToUserFacing(e)) is { } error)
                {
                    await context.Error.WriteLineAsync("ERROR: " + error.Message);
                    exit = 1;
                }
            }
            return exit;
        }, cancellationToken);
    }
}
