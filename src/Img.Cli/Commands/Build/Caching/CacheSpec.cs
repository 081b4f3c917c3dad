using Img.Cli.CommandLine;
using Img.Engine.Diff;
using Img.Engine.References;
using Img.Engine.RemoteCache;
using Img.Engine.RemoteCache.Local;

namespace Img.Cli.Commands.Build.Caching;

/// <summary>
/// One <c>--cache-from</c> or <c>--cache-to</c> value, in buildx's spelling:
/// <c>type=registry,ref=REG/REPO:TAG[,mode=min|max][,compression=...][,ignore-error=true]</c>,
/// <c>type=local,src=DIR</c> / <c>type=local,dest=DIR[,tag=T]</c>, <c>type=inline</c>; a value
/// without <c>=</c> is a registry reference (<c>--cache-from myapp:latest</c>). Other buildx
/// types (gha, s3, azblob) are refused with the list of supported ones.
/// </summary>
public sealed record CacheSpec(CacheSpecType Type, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>Registry caches: the reference.</summary>
    public ImageReference? Reference { get; init; }

    /// <summary>Local caches: the directory (<c>src</c> to import, <c>dest</c> to export).</summary>
    public string? Directory { get; init; }

    /// <summary>Local caches: the tag in the layout's index.</summary>
    public string Tag { get; init; } = OciLayoutCache.DefaultTag;

    /// <summary>Exports: <c>mode</c> (min by default; inline is always min).</summary>
    public CacheExportMode Mode { get; init; } = CacheExportMode.Min;

    /// <summary>Exports: the step layers' compression (gzip by default).</summary>
    public LayerCompressionOptions? Compression { get; init; }

    /// <summary>Exports: <c>ignore-error=true</c> turns an export failure into a warning.</summary>
    public bool IgnoreError { get; init; }

    /// <summary>What progress and errors call it (<c>127.0.0.1:5000/app:cache</c>, <c>/ci/cache</c>, <c>inline</c>).</summary>
    public string Name => Type switch
    {
        CacheSpecType.Registry => Reference!.ToString(),
        CacheSpecType.Local => Directory!,
        _ => "inline",
    };

    /// <summary>Parses a <c>--cache-from</c> value.</summary>
    public static CacheSpec ParseImport(string value) => Parse(value, "cache-from", import: true);

    /// <summary>Parses a <c>--cache-to</c> value.</summary>
    public static CacheSpec ParseExport(string value) => Parse(value, "cache-to", import: false);

    private static CacheSpec Parse(string value, string flag, bool import)
    {
        UsageException Invalid(string why) => new($"invalid argument \"{value}\" for \"--{flag}\" flag: {why}", "build");

        if (!value.Contains('='))
            value = "type=registry,ref=" + value;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(','))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
                throw Invalid($"invalid value {part}");
            attributes[part[..eq].Trim().ToLowerInvariant()] = part[(eq + 1)..];
        }
        var typeName = attributes.GetValueOrDefault("type", "registry");
        var type = typeName switch
        {
            "registry" => CacheSpecType.Registry,
            "local" => CacheSpecType.Local,
            "inline" when !import => CacheSpecType.Inline,
            "inline" => throw Invalid("type=inline is written with --cache-to; read it with --cache-from IMAGE"),
            _ => throw Invalid($"unsupported cache type {typeName} (registry, local, inline)"),
        };
        var spec = new CacheSpec(type, attributes);
        switch (type)
        {
            case CacheSpecType.Registry:
                if (!attributes.TryGetValue("ref", out var reference) || reference.Length == 0)
                    throw Invalid("ref is required for type=registry");
                try
                {
                    spec = spec with { Reference = ImageReference.Parse(reference) };
                }
                catch (InvalidReferenceException e)
                {
                    throw Invalid(e.Message);
                }
                break;
            case CacheSpecType.Local:
                var key = import ? "src" : "dest";
                if (!attributes.TryGetValue(key, out var directory) || directory.Length == 0)
                    throw Invalid($"{key} is required for type=local");
                spec = spec with { Directory = directory, Tag = attributes.GetValueOrDefault("tag", OciLayoutCache.DefaultTag) };
                if (spec.Tag.Length == 0 || spec.Tag.Contains('/'))
                    throw Invalid($"invalid tag \"{spec.Tag}\"");
                break;
        }
        if (import)
            return spec;
        if (attributes.TryGetValue("mode", out var mode))
        {
            spec = spec with
            {
                Mode = mode switch
                {
                    "min" => CacheExportMode.Min,
                    "max" when type != CacheSpecType.Inline => CacheExportMode.Max,
                    "max" => throw Invalid("type=inline supports mode=min only"),
                    _ => throw Invalid($"invalid mode {mode} (min, max)"),
                },
            };
        }
        if (attributes.TryGetValue("ignore-error", out var ignore))
        {
            spec = spec with
            {
                IgnoreError = ignore.ToLowerInvariant() switch
                {
                    "true" or "1" or "t" => true,
                    "false" or "0" or "f" => false,
                    _ => throw Invalid($"invalid ignore-error value {ignore}"),
                },
            };
        }
        try
        {
            spec = spec with { Compression = LayerCompressionOptions.FromAttributes(attributes) };
        }
        catch (FormatException e)
        {
            throw Invalid(e.Message);
        }
        if (spec.Compression is { } c && type == CacheSpecType.Inline)
            throw Invalid("type=inline uses the image's layers: set their compression on the output");
        return spec;
    }
}
