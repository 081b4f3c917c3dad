namespace Img.Cli.Commands.Build;

/// <summary>Where a build's result goes (<c>-o type=...</c>).</summary>
public enum OutputType
{
    /// <summary>The local image store, named by <c>-t</c>.</summary>
    Image,
    /// <summary>The final filesystem written to a directory.</summary>
    Local,
    /// <summary>The final filesystem as a tar file.</summary>
    Tar,
    /// <summary>An OCI layout tar.</summary>
    Oci,
    /// <summary>A docker-archive tar (<c>docker load</c>).</summary>
    Docker,
    /// <summary>The image store, then pushed (<c>--push</c>).</summary>
    Registry,
}
