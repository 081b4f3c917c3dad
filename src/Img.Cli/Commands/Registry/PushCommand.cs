using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Engine.Images;
using Img.Engine.References;
using Img.Engine.Registry;

namespace Img.Cli.Commands.Registry;

/// <summary>
/// <c>img push [-a] [-q] NAME[:TAG]</c>, as <c>docker push</c>: <c>latest</c> when no tag is given
/// (<c>Using default tag: latest</c>), every tag of the repository with <c>-a</c>. Prints
/// <c>The push refers to repository [...]</c>, a line per layer (<c>Pushed</c>, <c>Layer already
/// exists</c>, <c>Mounted from</c>) and <c>TAG: digest: sha256:... size: N</c>; with <c>-q</c> only
/// the canonical name. Runs under the state directory's lock.
/// </summary>
public sealed class PushCommand : ICommand
{
    private static readonly FlagSpec AllTags = new("all-tags", 'a', false, "Push all tags of an image to the repository");
    private static readonly FlagSpec Quiet = new("quiet", 'q', false, "Suppress verbose output");

    public string Name => "push";
    public string Usage => "[OPTIONS] NAME[:TAG]";
    public string Summary => "Upload an image to a registry";
    public IReadOnlyList<FlagSpec> Flags => [AllTags, RegistryAccess.DisableContentTrust, Quiet, RegistryAccess.InsecureRegistry];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count != 1)
            throw UsageException.Arguments("\"img push\" requires exactly 1 argument.", Name);
        var quiet = args.Bool(Quiet.Name);
        var allTags = args.Bool(AllTags.Name);
        var reference = RegistryAccess.ParseReference(args.Positionals[0]);
        if (reference.Digest is not null)
            throw new UserFacingException($"cannot push a digest reference: \"{args.Positionals[0]}\"");
        if (allTags && !reference.IsNameOnly)
            throw new UserFacingException("tag can't be used with --all-tags/-a");

        return StateScope.RunAsync(context, async scope =>
        {
            List<ImageReference> targets;
            if (allTags)
            {
                targets = (await scope.Images.ListAsync(cancellationToken))
                    .Select(i => ImageReference.TryParse(i.Name, out var r) ? r : null)
                    .OfType<ImageReference>()
                    .Where(r => r.Tag is not null && r.Digest is null && r.FullName == reference.FullName)
                    .OrderBy(r => r.Tag, StringComparer.Ordinal)
                    .ToList();
            }
            else
            {
                if (reference.IsNameOnly)
                {
                    reference = reference.WithTag(ImageReference.DefaultTag);
                    if (!quiet) await context.Out.WriteLineAsync($"Using default tag: {reference.Tag}");
                }
                targets = await scope.Images.GetAsync(reference, cancellationToken) is null ? [] : [reference];
            }
            if (targets.Count == 0)
                throw new UserFacingException($"An image does not exist locally with the tag: {reference.FamiliarRepository}");

            try
            {
                using var clients = RegistryAccess.Clients(context, args);
                var pusher = new ImagePusher(clients, scope.Content, scope.Images, quiet ? null : new TransferProgressWriter(context.Out));
                foreach (var target in targets)
                    await pusher.PushAsync(target, cancellationToken);
            }
            catch (Exception e) when (RegistryAccess.ToUserFacing(e) is { } userFacing)
            {
                throw userFacing;
            }
            if (quiet) await context.Out.WriteLineAsync(allTags ? reference.FullName : reference.ToString());
            return 0;
        }, cancellationToken);
    }
}
