using Img.Cli.CommandLine;
using Img.Cli.Hosting;
using Img.Engine.Exporters;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img save [-o FILE] [--format docker|oci] IMAGE...</c>: one tar with the images, to stdout by
/// default (refused when stdout is a terminal, as docker does). A named image is saved under that
/// name; an image given by id is saved unnamed. With <c>-o</c> the tar is written beside the
/// target and renamed into place, so a failure leaves no partial file.
/// </summary>
public sealed class SaveCommand : ICommand
{
    private static readonly FlagSpec Output = new("output", 'o', true, "Write to a file, instead of STDOUT");
    private static readonly FlagSpec Format = new("format", null, true, "Archive format: docker (docker-archive with an OCI layout, the default) or oci (OCI layout)");
    private static readonly FlagSpec PlatformFlag = new("platform", null, true, "Save this platform of a multi-platform image (os/arch[/variant]; default: the host's)");

    public string Name => "save";
    public string Usage => "[OPTIONS] IMAGE [IMAGE...]";
    public string Summary => "Save one or more images to a tar archive (streamed to STDOUT by default)";
    public IReadOnlyList<FlagSpec> Flags => [Output, Format, PlatformFlag];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count == 0)
            throw UsageException.Arguments("\"img save\" requires at least 1 argument.", Name);
        var format = (args.Value(Format.Name) ?? "docker") switch
        {
            "docker" or "docker-archive" => ArchiveFormat.Docker,
            "oci" or "oci-archive" => ArchiveFormat.Oci,
            var other => throw new UserFacingException($"unknown archive format \"{other}\": use docker or oci"),
        };
        Platform? platform = null;
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
        var output = args.Value(Output.Name);

        return StateScope.RunAsync(context, async scope =>
        {
            var byManifest = new Dictionary<string, (ResolvedImage Image, List<ImageReference> Names)>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var text in args.Positionals)
            {
                var found = await ImageLookup.FindAsync(scope.Images, scope.Content, text, cancellationToken);
                var resolved = await ImageResolver.ResolveAsync(scope.Content, found[0], platform, cancellationToken);
                var key = resolved.ManifestDescriptor.Digest;
                if (!byManifest.TryGetValue(key, out var entry))
                {
                    byManifest[key] = entry = (resolved, []);
                    order.Add(key);
                }
                var byId = !ImageReference.TryParse(text, out var asName) || await scope.Images.GetAsync(asName, cancellationToken) is null;
                if (!byId && !entry.Names.Contains(asName!)) entry.Names.Add(asName!);
            }
            var images = order.Select(k => new ArchiveImage(byManifest[k].Image, byManifest[k].Names)).ToList();

            if (output is null)
            {
                await using var stdout = StandardOutput.Open(context, out var isTerminal);
                if (isTerminal)
                    throw new UserFacingException("cowardly refusing to save to a terminal. Use the -o flag or redirect");
                await ImageArchiveWriter.WriteAsync(scope.Content, images, stdout, format, cancellationToken);
                await stdout.FlushAsync(cancellationToken);
                return 0;
            }

            var path = context.ResolvePath(output);
            var temp = Path.Combine(Path.GetDirectoryName(path) ?? ".", "." + Path.GetFileName(path) + ".img-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    await ImageArchiveWriter.WriteAsync(scope.Content, images, file, format, cancellationToken);
                    file.Flush(flushToDisk: true);
                }
                File.Move(temp, path, overwrite: true);
            }
            catch
            {
                File.Delete(temp);
                throw;
            }
            return 0;
        }, cancellationToken);
    }
}
