namespace Img.Cli.Commands.Build.Backends;

/// <summary>
/// A registry repository a cache export pushes blobs to, with the client's settings for it; and
/// the images of export records (held at <see cref="ImagesLocation"/>), pushed with their blobs.
/// </summary>
public sealed record CachePushTarget(string Registry, string Repository, IReadOnlyList<string> InsecureRegistries)
{
    public IReadOnlyList<Img.Engine.Oci.Descriptor> Images { get; init; } = [];
    public string ImagesLocation { get; init; } = "";
}
