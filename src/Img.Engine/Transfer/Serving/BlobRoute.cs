namespace Img.Engine.Transfer.Serving;

/// <summary>
/// A request path split the distribution API's way: <c>/v2/</c>, a repository name of one or more
/// segments (any name: the server holds one store, not repositories), then <c>blobs/&lt;digest&gt;</c>
/// or <c>manifests/&lt;reference&gt;</c>.
/// </summary>
internal sealed record BlobRoute(BlobRouteKind Kind, string Repository, string Reference)
{
    public static BlobRoute Parse(string path)
    {
        var other = new BlobRoute(BlobRouteKind.Other, "", "");
        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
            return other;
        var segments = path[4..].Split('/');
        if (segments.Length < 3 || segments.Any(s => s.Length == 0 || s is "." or ".."))
            return other;
        var repository = string.Join('/', segments[..^2]);
        return segments[^2] switch
        {
            "blobs" => new BlobRoute(BlobRouteKind.Blob, repository, segments[^1]),
            "manifests" => new BlobRoute(BlobRouteKind.Manifest, repository, segments[^1]),
            _ => other,
        };
    }
}
