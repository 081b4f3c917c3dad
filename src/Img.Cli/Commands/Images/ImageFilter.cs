using Img.Cli.CommandLine;
using Img.Engine.Content;
using Img.Engine.Images;
using Img.Engine.References;

namespace Img.Cli.Commands.Images;

/// <summary>
/// <c>img ls --filter</c>, docker's image filters: <c>reference=PATTERN</c> (any of several),
/// <c>label=KEY</c> / <c>label=KEY=VALUE</c> (all of several, on the image config's labels),
/// <c>before=IMAGE</c> / <c>since=IMAGE</c> (created strictly before / after that image, by the
/// config's <c>created</c> as docker compares them), <c>dangling=true|false</c> (img names every
/// image it keeps: none is dangling). Errors are docker's: a value without <c>=</c> is a flag
/// error, an unknown key <c>invalid filter 'KEY'</c>, a bad boolean
/// <c>invalid filter 'dangling=[VALUE]'</c>, an unknown image <c>No such image: NAME</c>.
/// </summary>
internal sealed class ImageFilter
{
    private readonly List<ReferencePattern> _references = [];
    private readonly List<(string Key, string? Value)> _labels = [];
    private string? _before;
    private string? _since;
    private DateTimeOffset? _beforeTime;
    private DateTimeOffset? _sinceTime;

    /// <summary><c>dangling=</c>: null when not given.</summary>
    public bool? Dangling { get; private set; }

    /// <exception cref="UsageException">A filter without <c>=</c>.</exception>
    /// <exception cref="UserFacingException">An unknown filter or a bad value.</exception>
    public static ImageFilter Parse(IReadOnlyList<string> filters, string command)
    {
        var filter = new ImageFilter();
        var dangling = new List<string>();
        foreach (var text in filters)
        {
            var eq = text.IndexOf('=');
            if (eq <= 0)
                throw new UsageException($"invalid argument \"{text}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)", command);
            var (key, value) = (text[..eq].Trim().ToLowerInvariant(), text[(eq + 1)..].Trim());
            switch (key)
            {
                case "reference":
                    try
                    {
                        filter._references.Add(ReferencePattern.Parse(value));
                    }
                    catch (FormatException e)
                    {
                        throw new UserFacingException(e.Message);
                    }
                    break;
                case "label":
                    var sep = value.IndexOf('=');
                    filter._labels.Add(sep < 0 ? (value, null) : (value[..sep], value[(sep + 1)..]));
                    break;
                case "before":
                    filter._before = value;
                    break;
                case "since":
                    filter._since = value;
                    break;
                case "dangling":
                    dangling.Add(value);
                    break;
                default:
                    throw new UserFacingException($"invalid filter '{key}'");
            }
        }
        if (dangling.Count > 0)
        {
            // moby's GetBoolOrDefault: 1/true, 0/false; both, or anything else, is invalid
            var isTrue = dangling.Any(v => v is "1" or "true");
            var isFalse = dangling.Any(v => v is "0" or "false");
            if (isTrue == isFalse)
                throw new UserFacingException($"invalid filter 'dangling=[{string.Join(' ', dangling.Distinct().Order(StringComparer.Ordinal))}]'");
            filter.Dangling = isTrue;
        }
        return filter;
    }

    /// <summary>Looks up the images <c>before=</c> and <c>since=</c> name.</summary>
    /// <exception cref="ImageNotFoundException">No image has that name or id.</exception>
    public async Task BindAsync(IImageStore images, IContentStore content, CancellationToken cancellationToken)
    {
        if (_before is not null)
            _beforeTime = await CreatedAsync(images, content, _before, cancellationToken);
        if (_since is not null)
            _sinceTime = await CreatedAsync(images, content, _since, cancellationToken);
    }

    /// <summary>Whether the name alone rules the image out (before resolving its config).</summary>
    public bool MatchesName(ImageReference reference) =>
        Dangling != true && (_references.Count == 0 || _references.Any(p => p.Matches(reference.FamiliarRepository, reference.Tag)));

    /// <summary>Whether the filters that read the image's config keep it; <paramref name="resolved"/> is null when its config cannot be read.</summary>
    public bool MatchesConfig(Image image, ResolvedImage? resolved)
    {
        if (_labels.Count == 0 && _beforeTime is null && _sinceTime is null)
            return true;
        if (resolved is null)
            return false;
        var labels = resolved.Config.Config.Labels ?? new Dictionary<string, string>();
        foreach (var (key, value) in _labels)
        {
            if (!labels.TryGetValue(key, out var actual) || (value is not null && actual != value))
                return false;
        }
        var created = Created(image, resolved);
        if (_beforeTime is { } before && created >= before)
            return false;
        if (_sinceTime is { } since && created <= since)
            return false;
        return true;
    }

    private static async Task<DateTimeOffset> CreatedAsync(IImageStore images, IContentStore content, string nameOrId, CancellationToken cancellationToken)
    {
        var image = await ImageLookup.FindOneAsync(images, content, nameOrId, cancellationToken);
        return Created(image, await ImageResolver.ResolveAsync(content, image, null, cancellationToken));
    }

    /// <summary>The config's <c>created</c>, as docker compares; when the config has none, when img stored the image.</summary>
    private static DateTimeOffset Created(Image image, ResolvedImage resolved) => resolved.Config.Created ?? image.CreatedAt;
}
