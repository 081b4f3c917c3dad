using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Engine.Exporters;
using Img.Engine.Images;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img load [-i FILE]</c>: stores the images of a docker-archive or OCI layout tar (plain or
/// gzip; stdin by default) after verifying every digest, then names them, printing
/// <c>Loaded image: NAME</c> per name. A bad archive changes nothing visible.
/// </summary>
public sealed class LoadCommand : ICommand
{
    private static readonly FlagSpec Input = new("input", 'i', true, "Read from tar archive file, instead of STDIN");
    private static readonly FlagSpec Quiet = new("quiet", 'q', false, "Suppress the load output");
    private static readonly FlagSpec PlatformFlag = new("platform", null, true, "Accepted for compatibility; every platform in the archive is loaded");

    public string Name => "load";
    public string Usage => "[OPTIONS]";
    public string Summary => "Load an image from a tar archive or STDIN";
    public IReadOnlyList<FlagSpec> Flags => [Input, Quiet, PlatformFlag];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw UsageException.Arguments("\"img load\" accepts no arguments.", Name);
        var input = args.Value(Input.Name);
        return StateScope.RunAsync(context, async scope =>
        {
            IReadOnlyList<LoadedImage> loaded;
            await using (var stream = input is null ? context.OpenStdin() : OpenInput(context.ResolvePath(input)))
            {
                loaded = await ImageArchiveReader.LoadAsync(scope.Content, stream, scope.TempRoot, cancellationToken);
            }
            foreach (var image in loaded)
            {
                if (image.Name is null)
                {
                    await context.Out.WriteLineAsync($"Loaded image ID: {image.Id?.ToString() ?? image.Target.Digest}");
                    await context.Error.WriteLineAsync("WARNING: the archive gives this image no name; img keeps named images only, so img prune will remove it (load an archive with a tag, or img tag it first)");
                    continue;
                }
                await scope.Images.PutAsync(new Image { Name = image.Name.ToString(), Target = image.Target }, cancellationToken);
                await context.Out.WriteLineAsync("Loaded image: " + image.Name.FamiliarName);
            }
            return 0;
        }, cancellationToken);
    }

    private static FileStream OpenInput(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new UserFacingException($"open {path}: no such file or directory");
        }
    }
}
