using Img.Engine.Oci;

namespace Img.Engine.Images;

/// <summary>How <see cref="ImageImporter"/> builds the image around an imported root file system.</summary>
public sealed record ImportOptions
{
    /// <summary>The image platform; default the host's.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Runtime defaults (<c>--change</c>); default empty.</summary>
    public ContainerConfig? Config { get; init; }

    /// <summary>The history comment (<c>-m</c>); default <c>Imported from SOURCE</c>.</summary>
    public string? Message { get; init; }

    /// <summary>Where the tarball came from, for the default message (<c>-</c> for stdin).</summary>
    public string Source { get; init; } = "-";

    /// <summary>The creation time; default now.</summary>
    public DateTimeOffset? Created { get; init; }
}
