using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Cli.Progress;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.Registry;

namespace Img.Cli.Commands.Registry;

/// <summary>
/// <c>img pull [--platform P] [-q] NAME[:TAG|@DIGEST]</c>, as <c>docker pull</c>: <c>latest</c>
/// when no tag is given (<c>Using default tag: latest</c>), the platform's manifest from an index,
/// every blob verified against its digest before it is stored, the name set only after all of it
/// is in the store. Prints docker's progress lines and ends with the canonical name (only that
/// with <c>-q</c>). Runs under the state directory's lock.
/// </summary>
public sealed class PullCommand : ICommand
{
    private static readonly FlagSpec PlatformFlag = new("platform", null, true, "Set platform if server is multi-platform capable");
    private static readonly FlagSpec Quiet = new("quiet", 'q', false, "Suppress verbose output");

    public string Name => "pull";
    public string Usage => "[OPTIONS] NAME[:TAG|@DIGEST]";
    public string Summary => "Download an image from a registry";
    public IReadOnlyList<FlagSpec> Flags => [RegistryAccess.DisableContentTrust, PlatformFlag, Quiet, RegistryAccess.InsecureRegistry];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count != 1)
            throw UsageException.Arguments("\"img pull\" requires exactly 1 argument.", Name);
        var quiet = args.Bool(Quiet.Name);
        var reference = RegistryAccess.ParseReference(args.Positionals[0]);
        Platform? platform = null;
        if (args.Value(PlatformFlag.Name) is { } p)
        {
            try
            {
                platform = HostPlatform.Parse(p);
            }
            catch (FormatException e)
            {
                throw new UserFacingException(e.Message, 1, e);
            }
        }

        return StateScope.RunAsync(context, async scope =>
        {
            if (reference.IsNameOnly)
            {
                reference = reference.WithTag(Engine.References.ImageReference.DefaultTag);
                if (!quiet) await context.Out.WriteLineAsync($"Using default tag: {reference.Tag}");
            }
            try
            {
                using var clients = RegistryAccess.Clients(context, args);
                var puller = new ImagePuller(clients, scope.Content, scope.Images, quiet ? null : new TransferProgressWriter(context.Out));
                // Without --platform an index is kept whole (every platform), so it can be pushed again whole.
                if (platform is null) await puller.PullAllPlatformsAsync(reference, cancellationToken);
                else await puller.PullAsync(reference, platform, cancellationToken);
            }
            catch (Exception e) when (RegistryAccess.ToUserFacing(e) is { } userFacing)
            {
                throw userFacing;
            }
            await context.Out.WriteLineAsync(reference.ToString());
            return 0;
        }, cancellationToken);
    }
}
