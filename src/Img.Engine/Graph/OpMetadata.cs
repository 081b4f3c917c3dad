namespace Img.Engine.Graph;

/// <summary>
/// What a vertex shows and how it is scheduled, deliberately outside its digest (BuildKit's
/// <c>VertexOptions</c>): changing a description or asking to skip the cache never changes a key.
/// </summary>
/// <param name="Description">The progress name, <c>[stage-1 2/5] RUN make</c>.</param>
/// <param name="StageName">The stage the vertex belongs to, or "".</param>
/// <param name="IgnoreCache">Run even if a cached result exists (<c>--no-cache</c>).</param>
/// <param name="Line">1-based Dockerfile line, 0 when internal.</param>
public sealed record OpMetadata(string Description, string StageName = "", bool IgnoreCache = false, int Line = 0)
{
    /// <summary>Vertices shown as one progress entry (COPY --link's copy and merge), or null.</summary>
    public string? ProgressGroup { get; init; }

    public static OpMetadata Internal(string description) => new(description);
}
