using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Engine.Frontend.Dockerfile.Conversion;
using Img.Engine.Images;
using Img.Engine.Oci;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img import TARBALL|- REPOSITORY[:TAG]</c>: a single-layer image from a root file system
/// tarball (plain or gzip), like <c>docker import</c>: <c>-c/--change</c> applies CMD, ENV, ...,
/// <c>-m</c> sets the history comment, <c>--platform</c> the platform (default: the host's).
/// Prints the image id. img keeps named images only, so the name is required.
/// </summary>
public sealed class ImportCommand : ICommand
{
    private static readonly FlagSpec Change = new("change", 'c', true, "Apply Dockerfile instruction to the created image", Repeatable: true);
    private static readonly FlagSpec Message = new("message", 'm', true, "Set commit message for imported image");
    private static readonly FlagSpec PlatformFlag = new("platform", null, true, "Set platform if server is multi-platform capable");

    public string Name => "import";
    public string Usage => "[OPTIONS] file|- [REPOSITORY[:TAG]]";
    public string Summary => "Import the contents from a tarball to create a filesystem image";
    public IReadOnlyList<FlagSpec> Flags => [Change, Message, PlatformFlag];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count is < 1 or > 2)
            throw UsageException.Arguments("\"img import\" requires at least 1 and at most 2 arguments.", Name);
        if (args.Positionals.Count < 2)
            throw new UserFacingException("img import needs a REPOSITORY[:TAG]: img keeps named images only");
        var source = args.Positionals[0];
        if (source.StartsWith("http://", StringComparison.Ordinal) || source.StartsWith("https://", StringComparison.Ordinal))
            throw new UserFacingException("importing from a URL is not supported: download the tarball and import the file");
        var name = ImageNames.ParseNew(args.Positionals[1]);
        ContainerConfig config;
        Platform? platform = null;
        try
        {
            config = ConfigChanges.Apply(new ContainerConfig(), args.Values(Change.Name));
            if (args.Value(PlatformFlag.Name) is { } p) platform = HostPlatform.Parse(p);
        }
        catch (FormatException e)
        {
            throw new UserFacingException(e.Message);
        }

        return StateScope.RunAsync(context, async scope =>
        {
            ImportResult result;
            await using (var input = source == "-" ? context.OpenStdin() : OpenSource(context.ResolvePath(source)))
            {
                result = await ImageImporter.ImportAsync(scope.Content, input, scope.TempRoot, new ImportOptions
                {
                    Config = config,
                    Message = args.Value(Message.Name),
                    Platform = platform,
                    Source = source,
                }, cancellationToken);
            }
            await scope.Images.PutAsync(new Image { Name = name.ToString(), Target = result.Manifest }, cancellationToken);
            await context.Out.WriteLineAsync(result.Id.ToString());
            return 0;
        }, cancellationToken);
    }

    private static FileStream OpenSource(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (FileNotFoundException)
        {
            throw new UserFacingException($"open {path}: no such file or directory");
        }
    }
}
