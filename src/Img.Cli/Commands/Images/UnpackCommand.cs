using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Engine.Images;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img unpack IMAGE [DIR]</c>: the image's root file system, layers applied in order with
/// whiteouts, into DIR (default <c>./rootfs</c>), which must not exist or be empty. A failure
/// removes what was unpacked.
/// </summary>
public sealed class UnpackCommand : ICommand
{
    private static readonly FlagSpec Output = new("output", 'o', true, "Directory to unpack the rootfs to (default: rootfs in the current directory)");
    private static readonly FlagSpec PlatformFlag = new("platform", null, true, "Unpack this platform of a multi-platform image (os/arch[/variant])");

    public string Name => "unpack";
    public string Usage => "[OPTIONS] IMAGE [DIR]";
    public string Summary => "Unpack an image to a rootfs directory";
    public IReadOnlyList<FlagSpec> Flags => [Output, PlatformFlag];
    public UserNamespaceUse UserNamespace => UserNamespaceUse.Required;

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count is < 1 or > 2)
            throw UsageException.Arguments("\"img unpack\" requires 1 or 2 arguments: IMAGE [DIR].", Name);
        var dir = context.ResolvePath(args.Positionals.Count == 2 ? args.Positionals[1] : args.Value(Output.Name) ?? "rootfs");
        if (File.Exists(dir) || (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any()))
            throw new UserFacingException($"{dir} already exists and is not empty");
        Engine.Oci.Platform? platform = null;
        if (args.Value(PlatformFlag.Name) is { } p)
        {
            try
            {
                platform = HostPlatform.Parse(p);
            }
            catch (FormatException e)
            {
                throw new UserFacingException(e.Message);
            }
        }

        return StateScope.RunAsync(context, async scope =>
        {
            var image = await ImageLookup.FindOneAsync(scope.Images, scope.Content, args.Positionals[0], cancellationToken);
            var resolved = await ImageResolver.ResolveAsync(scope.Content, image, platform, cancellationToken);
            var created = !Directory.Exists(dir);
            try
            {
                var results = await ImageUnpacker.UnpackAsync(scope.Content, resolved, dir, null, cancellationToken);
                if (context.Debug)
                {
                    foreach (var note in results.SelectMany(r => r.Notes))
                        await context.Error.WriteLineAsync("note: " + note);
                }
            }
            catch
            {
                if (created && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                throw;
            }
            await context.Out.WriteLineAsync($"Successfully unpacked rootfs for {ImageNames.Familiar(image.Name)} to: {dir}");
            return 0;
        }, cancellationToken);
    }
}
