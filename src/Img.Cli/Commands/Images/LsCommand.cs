using System.Text.Json;
using System.Text.Json.Serialization;
using Img.Cli.CommandLine;
using Img.Cli.Commands.Images.Formatting;
using Img.Cli.Hosting;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.Oci;
using Img.Engine.References;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img ls</c> (alias <c>images</c>): the local images as img always listed them,
/// <c>NAME SIZE CREATED AT UPDATED AT DIGEST</c>, with docker's <c>--filter</c> (<see cref="ImageFilter"/>),
/// <c>--format</c> (fields Name, Repository, Tag, ID, Digest, Size, CreatedAt, CreatedSince,
/// UpdatedAt, UpdatedSince) and <c>-q</c> (image ids).
/// </summary>
public sealed class LsCommand(string name = "ls") : ICommand
{
    private const string DefaultFormat = "table {{.Name}}\t{{.Size}}\t{{.CreatedSince}}\t{{.UpdatedSince}}\t{{.Digest}}";
    private static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["Name"] = "NAME", ["Repository"] = "REPOSITORY", ["Tag"] = "TAG", ["ID"] = "IMAGE ID", ["Digest"] = "DIGEST",
        ["Size"] = "SIZE", ["CreatedAt"] = "CREATED AT", ["CreatedSince"] = "CREATED AT", ["UpdatedAt"] = "UPDATED AT",
        ["UpdatedSince"] = "UPDATED AT",
    };

    private static readonly FlagSpec All = new("all", 'a', false, "Show all images (all are shown; accepted for compatibility)");
    private static readonly FlagSpec Digests = new("digests", null, false, "Show digests (always shown)");
    private static readonly FlagSpec Filter = new("filter", 'f', true, "Filter output based on conditions provided (reference=PATTERN, label=KEY[=VALUE], before=IMAGE, since=IMAGE, dangling=BOOL)", Repeatable: true, ValueName: "filter");
    private static readonly FlagSpec Format = new("format", null, true, "Format output using a Go template: 'table', 'table TEMPLATE', 'json', or 'TEMPLATE'");
    private static readonly FlagSpec NoTrunc = new("no-trunc", null, false, "Don't truncate output");
    private static readonly FlagSpec Quiet = new("quiet", 'q', false, "Only show image IDs");

    public string Name { get; } = name;
    public string Usage => "[OPTIONS]";
    public string Summary => "List images and digests";
    public IReadOnlyList<FlagSpec> Flags => [All, Digests, Filter, Format, NoTrunc, Quiet];

    /// <summary>One line of the listing; its properties are the <c>--format</c> fields.</summary>
    internal sealed record Row(
        string Name, string Repository, string Tag, [property: JsonPropertyName("ID")] string Id, string Digest, string Size,
        string CreatedAt, string CreatedSince, string UpdatedAt, string UpdatedSince);

    public Task<int> RunAsync(CommandContext context, ParsedArgs args, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
            throw UsageException.Arguments($"\"img {Name}\" accepts no arguments.", Name);
        var filter = ImageFilter.Parse(args.Values(Filter.Name), Name);
        var format = args.Value(Format.Name);
        GoTemplate template;
        try
        {
            template = GoTemplate.Parse(string.IsNullOrEmpty(format) || format == "table" ? DefaultFormat : format);
        }
        catch (FormatException e)
        {
            throw new UserFacingException(e.Message);
        }
        var noTrunc = args.Bool(NoTrunc.Name);
        return StateScope.RunAsync(context, async scope =>
        {
            var now = DateTimeOffset.UtcNow;
            var rows = new List<Row>();
            await filter.BindAsync(scope.Images, scope.Content, cancellationToken);
            foreach (var image in await scope.Images.ListAsync(cancellationToken))
            {
                var reference = ImageReference.Parse(image.Name);
                if (!filter.MatchesName(reference)) continue;
                var resolved = await ResolveOrNullAsync(scope, image, cancellationToken);
                if (!filter.MatchesConfig(image, resolved)) continue;
                rows.Add(await RowAsync(scope, image, resolved, reference, now, noTrunc, cancellationToken));
            }

            if (args.Bool(Quiet.Name))
            {
                foreach (var row in rows) await context.Out.WriteLineAsync(row.Id);
                return 0;
            }
            if (template.IsTable)
            {
                var table = new TableWriter();
                table.AddLine(template.RenderHeader(Headers));
                foreach (var row in rows) table.AddLine(template.Render(JsonSerializer.SerializeToElement(row)));
                await context.Out.WriteAsync(table.ToString());
            }
            else
            {
                foreach (var row in rows) await context.Out.WriteLineAsync(template.Render(JsonSerializer.SerializeToElement(row)));
            }
            return 0;
        }, cancellationToken);
    }

    /// <summary>The image's manifest and config; null when a blob is missing or broken (listed anyway; inspect reports what is missing).</summary>
    private static async Task<ResolvedImage?> ResolveOrNullAsync(StateScope scope, Image image, CancellationToken cancellationToken)
    {
        try
        {
            return await ImageResolver.ResolveAsync(scope.Content, image, null, cancellationToken);
        }
        catch (Exception e) when (e is ContentNotFoundException or InvalidDataException)
        {
            return null;
        }
    }

    private static async Task<Row> RowAsync(StateScope scope, Image image, ResolvedImage? resolved, ImageReference reference, DateTimeOffset now, bool noTrunc, CancellationToken cancellationToken)
    {
        var id = resolved is null ? "" : noTrunc ? resolved.Id.ToString() : resolved.Id.ShortId;
        var size = await ImageSize.ComputeAsync(scope.Content, image.Target, HostPlatform.Current, cancellationToken);
        // an index without this host's platform (built for others only): what all its platforms hold
        if (size == 0 && MediaTypes.IsIndex(image.Target.MediaType))
            size = await ImageSize.ComputeAsync(scope.Content, image.Target, null, cancellationToken);
        return new Row(
            reference.FamiliarName, reference.FamiliarRepository, reference.Tag ?? "<none>", id, image.Target.Digest,
            HumanUnits.Size(size),
            HumanUnits.Timestamp(image.CreatedAt), HumanUnits.Ago(image.CreatedAt, now),
            HumanUnits.Timestamp(image.UpdatedAt), HumanUnits.Ago(image.UpdatedAt, now));
    }
}
