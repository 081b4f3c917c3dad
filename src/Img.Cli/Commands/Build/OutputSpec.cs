using Img.Cli.CommandLine;
using Img.Engine.Diff;

namespace Img.Cli.Commands.Build;

/// <summary>
/// One <c>-o/--output</c> value, as buildx reads it: <c>type=local,dest=DIR</c>, or a bare path
/// meaning <c>type=local,dest=PATH</c> (<c>-</c> = a tar on stdout). Its layer compression
/// attributes (<c>compression</c>, <c>compression-level</c>, <c>force-compression</c>) are read
/// into <see cref="Compression"/>.
/// </summary>
public sealed record OutputSpec(OutputType Type, string? Destination, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>The layer compression this output asks for; null = not said.</summary>
    public LayerCompressionOptions? Compression { get; init; }

    public static OutputSpec Parse(string value)
    {
        if (!value.Contains('='))
            return value == "-"
                ? new OutputSpec(OutputType.Tar, "-", new Dictionary<string, string>())
                : new OutputSpec(OutputType.Local, value, new Dictionary<string, string>());

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(','))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
                throw new UsageException($"invalid argument \"{value}\" for \"-o, --output\" flag: invalid value {part}", "build");
            attributes[part[..eq].Trim().ToLowerInvariant()] = part[(eq + 1)..];
        }
        var typeName = attributes.GetValueOrDefault("type", "");
        var type = typeName switch
        {
            "image" => OutputType.Image,
            "local" => OutputType.Local,
            "tar" => OutputType.Tar,
            "oci" => OutputType.Oci,
            "docker" => OutputType.Docker,
            "registry" => OutputType.Registry,
            "" => throw new UsageException($"invalid argument \"{value}\" for \"-o, --output\" flag: type is required", "build"),
            _ => throw new UsageException($"invalid argument \"{value}\" for \"-o, --output\" flag: unsupported output type {typeName} (image, local, tar, oci, docker, registry)", "build"),
        };
        attributes.TryGetValue("dest", out var dest);
        if (type is OutputType.Local && string.IsNullOrEmpty(dest))
            throw new UsageException($"invalid argument \"{value}\" for \"-o, --output\" flag: dest is required for type={typeName}", "build");
        if (type is OutputType.Tar or OutputType.Oci or OutputType.Docker && string.IsNullOrEmpty(dest))
            dest = "-";
        LayerCompressionOptions? compression;
        try
        {
            compression = LayerCompressionOptions.FromAttributes(attributes);
        }
        catch (FormatException e)
        {
            throw new UsageException($"invalid argument \"{value}\" for \"-o, --output\" flag: {e.Message}", "build");
        }
        return new OutputSpec(type, dest, attributes) { Compression = compression };
    }
}
