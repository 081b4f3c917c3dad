using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Name => "inspect";
    public string Usage => "[OPTIONS] IMAGE [IMAGE...]";
    public string Summary => "Display detailed information on one or more images";
    public IReadOnlyList<FlagSpec> Flags => [Format, Type, PlatformFlag];

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count == 0)
            throw new UsageException("\"img inspect\" requires at least 1 argument.", Name, 1);
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

            var results = new List<JsonObject>();
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
                var array = new JsonArray(results.Select(r => (JsonNode)r).ToArray());
                await context.Out.WriteLineAsync(array.ToJsonString(Indented));
            }
            else
            {
                foreach (var result in results)
                    await context.Out.WriteLineAsync(template.Render(JsonSerializer.SerializeToElement(result)));
            }
            foreach (var error in errors) await context.Error.WriteLineAsync("ERROR: " + error);
            return errors.Count == 0 ? 0 : 1;
        }, cancellationToken);
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

    private static async Task<JsonObject> DescribeAsync(StateScope scope, ResolvedImage image, List<ResolvedImage> all, CancellationToken cancellationToken)
    {
        var sameId = all.Where(a => a.Id == image.Id).Select(a => ImageReference.Parse(a.Image.Name)).ToList();
        if (sameId.Count == 0) sameId.Add(ImageReference.Parse(image.Image.Name));
        var repoDigests = all.Where(a => a.Id == image.Id)
            .Select(a => ImageReference.Parse(a.Image.Name).FamiliarRepository + "@" + a.Image.Target.Digest)
            .Distinct().ToList();
        var rawConfig = JsonNode.Parse(image.RawConfig)?.AsObject() ?? [];
        var size = await ImageSize.ComputeAsync(scope.Content, image.ManifestDescriptor, null, cancellationToken);
        var lastTag = all.Where(a => a.Id == image.Id).Select(a => a.Image.UpdatedAt).DefaultIfEmpty(image.Image.UpdatedAt).Max();

        var result = new JsonObject
        {
            ["Id"] = image.Id.ToString(),
            ["RepoTags"] = new JsonArray(sameId.Select(r => (JsonNode)JsonValue.Create(r.FamiliarName)).ToArray()),
            ["RepoDigests"] = new JsonArray(repoDigests.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
            ["Parent"] = "",
            ["Comment"] = image.Config.History?.LastOrDefault()?.Comment ?? "",
            ["Created"] = rawConfig["created"]?.DeepClone() ?? "",
            ["DockerVersion"] = "",
            ["Author"] = image.Config.Author ?? "",
            ["Config"] = rawConfig["config"]?.DeepClone() ?? new JsonObject(),
            ["Architecture"] = image.Config.Architecture,
        };
        if (!string.IsNullOrEmpty(image.Config.Variant)) result["Variant"] = image.Config.Variant;
        result["Os"] = image.Config.Os;
        result["Size"] = size;
        result["RootFS"] = new JsonObject
        {
            ["Type"] = image.Config.RootFs.Type,
            ["Layers"] = new JsonArray(image.Config.RootFs.DiffIds.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
        };
        result["Metadata"] = new JsonObject { ["LastTagTime"] = lastTag.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture) };
        result["Descriptor"] = new JsonObject
        {
            ["mediaType"] = image.Image.Target.MediaType,
            ["digest"] = image.Image.Target.Digest,
            ["size"] = image.Image.Target.Size,
        };
        return result;
    }
}
