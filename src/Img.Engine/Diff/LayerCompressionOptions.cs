using System.Globalization;
using Img.Engine.Oci;

namespace Img.Engine.Diff;

/// <summary>
/// How the layers of an exported image are compressed: BuildKit's exporter attributes
/// <c>compression=uncompressed|gzip|zstd</c>, <c>compression-level=N</c> and
/// <c>force-compression=true</c>. Without <see cref="Force"/>, only layers the build creates get
/// this compression and layers reused from a base image keep theirs; with it, every layer of
/// another compression is converted.
/// </summary>
/// <param name="Level">null = the default of the algorithm (<see cref="DefaultGzipLevel"/>, <see cref="DefaultZstdLevel"/>).</param>
public sealed record LayerCompressionOptions(LayerCompression Compression = LayerCompression.Gzip, int? Level = null, bool Force = false)
{
    /// <summary>
    /// zlib-ng level 2 (.NET's zlib): on real trees about 1.5x the speed of level 6 (Go's and
    /// BuildKit's default) for blobs 5-10% larger, where level 1 is faster again but 20-35%
    /// larger (bench/engine <c>Levels_on_real_trees</c>). Incompressible blocks are stored at any
    /// level, so random data costs a copy whatever the level.
    /// </summary>
    public const int DefaultGzipLevel = 2;

    /// <summary>zstd's own default.</summary>
    public const int DefaultZstdLevel = 3;

    public const string CompressionAttribute = "compression";
    public const string LevelAttribute = "compression-level";
    public const string ForceAttribute = "force-compression";

    public static readonly LayerCompressionOptions Default = new();

    /// <summary>The zstd layer type later Docker versions define (img writes OCI manifests for zstd).</summary>
    private const string DockerLayerZstd = "application/vnd.docker.image.rootfs.diff.tar.zstd";

    /// <summary>An algorithm at its default level.</summary>
    public static implicit operator LayerCompressionOptions(LayerCompression compression) => new(compression);

    /// <summary>The level the compressor uses (0 for uncompressed).</summary>
    public int EffectiveLevel => Level ?? Compression switch
    {
        LayerCompression.Gzip => DefaultGzipLevel,
        LayerCompression.Zstd => DefaultZstdLevel,
        _ => 0,
    };

    /// <summary>The OCI media type of a layer written this way.</summary>
    public string MediaType => MediaTypeOf(Compression);

    /// <summary>The word BuildKit uses for <paramref name="compression"/> (<c>uncompressed</c>, <c>gzip</c>, <c>zstd</c>).</summary>
    public static string NameOf(LayerCompression compression) => compression switch
    {
        LayerCompression.None => "uncompressed",
        LayerCompression.Gzip => "gzip",
        LayerCompression.Zstd => "zstd",
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>The OCI layer media type of <paramref name="compression"/>.</summary>
    public static string MediaTypeOf(LayerCompression compression) => compression switch
    {
        LayerCompression.None => MediaTypes.OciLayer,
        LayerCompression.Gzip => MediaTypes.OciLayerGzip,
        LayerCompression.Zstd => MediaTypes.OciLayerZstd,
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>
    /// The compression of a distributable layer media type (OCI or Docker); null for any other
    /// type, non-distributable ("foreign") layers included, which an export never recompresses.
    /// </summary>
    public static LayerCompression? CompressionOf(string mediaType) => mediaType switch
    {
        MediaTypes.OciLayer or MediaTypes.DockerLayer => LayerCompression.None,
        MediaTypes.OciLayerGzip or MediaTypes.DockerLayerGzip => LayerCompression.Gzip,
        MediaTypes.OciLayerZstd or DockerLayerZstd => LayerCompression.Zstd,
        _ => null,
    };

    /// <summary>
    /// Reads the compression attributes of an output (other keys are ignored); null when none is
    /// given. <c>force-compression</c> alone means true, as in BuildKit.
    /// </summary>
    /// <exception cref="FormatException">An unknown compression, a non-integer level, a level out of the algorithm's range, or a non-boolean force value.</exception>
    public static LayerCompressionOptions? FromAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        bool any = false;
        var compression = LayerCompression.Gzip;
        if (attributes.TryGetValue(CompressionAttribute, out string? name))
        {
            any = true;
            compression = name switch
            {
                "uncompressed" => LayerCompression.None,
                "gzip" => LayerCompression.Gzip,
                "zstd" => LayerCompression.Zstd,
                "estargz" => throw new FormatException("compression=estargz is not supported (uncompressed, gzip, zstd)"),
                _ => throw new FormatException($"unsupported compression type {name} (uncompressed, gzip, zstd)"),
            };
        }
        int? level = null;
        if (attributes.TryGetValue(LevelAttribute, out string? levelText))
        {
            any = true;
            if (!int.TryParse(levelText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int parsed))
            {
                throw new FormatException($"non-integer value {levelText} specified for {LevelAttribute}");
            }
            level = parsed;
        }
        bool force = false;
        if (attributes.TryGetValue(ForceAttribute, out string? forceText))
        {
            any = true;
            force = forceText.Length == 0 || (TryParseGoBool(forceText, out bool b)
                ? b
                : throw new FormatException($"non-bool value {forceText} specified for {ForceAttribute}"));
        }
        if (!any)
        {
            return null;
        }
        var options = new LayerCompressionOptions(compression, level, force);
        options.Validate();
        return options;
    }

    /// <summary>Checks the level against the algorithm's range (gzip 0-9, zstd 0-22 where 0 is zstd's default).</summary>
    /// <exception cref="FormatException">The level is out of range.</exception>
    public void Validate()
    {
        var (min, max) = Compression switch
        {
            LayerCompression.Gzip => (0, 9),
            LayerCompression.Zstd => (0, 22),
            _ => (int.MinValue, int.MaxValue), // BuildKit ignores the level of uncompressed layers
        };
        if (Level is int l && (l < min || l > max))
        {
            throw new FormatException($"{LevelAttribute}={l} is out of range for {NameOf(Compression)} ({min}-{max})");
        }
    }

    /// <summary>Go's <c>strconv.ParseBool</c> words.</summary>
    private static bool TryParseGoBool(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
