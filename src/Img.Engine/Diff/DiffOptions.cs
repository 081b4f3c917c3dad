namespace Img.Engine.Diff;

/// <summary>Options of a layer diff.</summary>
/// <param name="SourceDateEpoch">When set, entry mtimes later than this are clamped to it (reproducible builds).</param>
public sealed record DiffOptions(DateTimeOffset? SourceDateEpoch = null)
{
    public static readonly DiffOptions Default = new();
}
