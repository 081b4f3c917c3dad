namespace Img.Cli.Commands.Build.Caching;

/// <summary>The cache backends img reads and writes (BuildKit's <c>type=</c> of <c>--cache-from</c>/<c>--cache-to</c>).</summary>
public enum CacheSpecType
{
    /// <summary>An OCI artifact in a registry repository, or an image with an inline cache.</summary>
    Registry,

    /// <summary>An OCI layout directory on this machine.</summary>
    Local,

    /// <summary>The cache inside the image's own config (export only).</summary>
    Inline,
}
