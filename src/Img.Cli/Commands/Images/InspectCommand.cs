using System.Text.Json;
using Img.Cli.CommandLine;
using Img.Cli.Commands.Images.Formatting;
using Img.Cli.Hosting;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.References;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img inspect IMAGE...</c>: a JSON array shaped like <c>docker image inspect</c> (Id = config
/// digest, RepoTags, RepoDigests, Created, Config, Architecture, Os, Size, RootFS, Metadata, and the
/// target Descriptor), or one <c>--format</c> line per image. Unknown images are reported on
/// stderr after the others are printed; the exit code is then 1.
/// </summary>
public sealed class InspectCommand : ICommand
{
    private static readonly FlagSpec Format = new("format", 'f', true, "Format output using a Go template ('json' for the JSON of each image)");
    private static readonly FlagSpec Type = new("type", null, true, "Only \"image\" is supported");
    private static readonly FlagSpec PlatformFlag = new("platform", null, true, "Inspect a specific platform of a multi-platform image (os/arch[/variant])");

    public string Name => "inspect";
    public string Usage => "[OPTIONS] IMAGE [IMAGE...]";
    public string Summary => "Display detailed information on one or more images";
    public IReadOnlyList<FlagSpec> Flags => [Format, Type, PlatformFlag];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count == 0)
            throw UsageException.Arguments("\"img inspect\" requires at least 1 argument.", Name);
        if (args.Value(Type.Name) is { } type && type != "image")
            throw new UserFacingException($"img inspects images only: --type {type} is not supported");
        GoTemplate? template = null;
        try
        {
            if (args.Value(Format.Name) is { Length: > 0 } format) template = GoTemplate.Parse(format);
        }
        catch (FormatException e)
        {
            throw new UserFacingException(e.Message);
        }
        var platform = args.Value(PlatformFlag.Name) is { } p ? ParsePlatform(p) : null;

        return StateScope.RunAsync(context, async scope =>
        {
            var all = new List<ResolvedImage>();
            foreach (var image in await scope.Images.ListAsync(cancellationToken))
            {
                try
                {
                    all.Add(await ImageResolver.ResolveAsync(scope.Content, image, platform, cancellationToken));
                }
                catch (Exception e) when (e is ContentNotFoundException or InvalidDataException)
                {
                }
            }

            var results = new List<GoValue>();
            var errors = new List<string>();
            foreach (var text in args.Positionals)
            {
                try
                {
                    var image = await ImageLookup.FindOneAsync(scope.Images, scope.Content, text, cancellationToken);
                    var resolved = await ImageResolver.ResolveAsync(scope.Content, image, platform, cancellationToken);
                    results.Add(await DescribeAsync(scope, resolved, all, cancellationToken));
                }
                catch (Exception e) when (StateScope.ToUserFacing(e) is { } error)
                {
                    errors.Add(error.Message);
                }
            }

            if (template is null)
            {
                await context.Out.WriteLineAsync(GoJson.SerializeIndented(new GoList(results, "types.ImageInspect")));
            }
            else
            {
                foreach (var result in results)
                {
                    try
                    {
                        await context.Out.WriteLineAsync(Render(template, result));
                    }
                    catch (GoTemplateException e)
                    {
                        errors.Add("template parsing error: " + e.Message);
                    }
                }
            }
            foreach (var error in errors) await context.Error.WriteLineAsync("ERROR: " + error);
            return errors.Count == 0 ? 0 : 1;
        }, cancellationToken);
    }

    /// <summary>
    /// docker's order: the template runs over the typed image; where that fails, over the JSON
    /// it prints, with missing keys as errors (so <c>{{.Id}}</c> and JSON names work too).
    /// </summary>
    private static string Render(GoTemplate template, GoValue image)
    {
        try
        {
            return template.Render(image);
        }
        catch (GoTemplateException)
        {
            using var raw = JsonDocument.Parse(GoJson.Serialize(image));
            return template.Render(raw.RootElement);
        }
    }

    private static Engine.Oci.Platform ParsePlatform(string text)
    {
        try
        {
            return HostPlatform.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UserFacingException(e.Message);
        }
    }

    private static async Task<GoValue> DescribeAsync(StateScope scope, ResolvedImage image, List<ResolvedImage> all, CancellationToken cancellationToken)
    {
        var sameId = all.Where(a => a.Id == image.Id).Select(a => ImageReference.Parse(a.Image.Name)).ToList();
        if (sameId.Count == 0) sameId.Add(ImageReference.Parse(image.Image.Name));
        var repoDigests = all.Where(a => a.Id == image.Id)
            .Select(a => ImageReference.Parse(a.Image.Name).FamiliarRepository + "@" + a.Image.Target.Digest)
            .Distinct().ToList();
        var size = await ImageSize.ComputeAsync(scope.Content, image.ManifestDescriptor, null, cancellationToken);
        var lastTag = all.Where(a => a.Id == image.Id).Select(a => a.Image.UpdatedAt).DefaultIfEmpty(image.Image.UpdatedAt).Max();
        return DockerImageInspect.Describe(image, sameId.Select(r => r.FamiliarName).ToList(), repoDigests, size, lastTag,
            await IndexManifest.ListAsync(scope.Content, image.Image.Target, cancellationToken));
    }
}
