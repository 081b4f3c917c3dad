namespace Img.Engine.Solver;

/// <summary>
/// The cache identity of a vertex (BuildKit's cache key): <c>sha256:</c> + hex over the op's
/// definition with inputs replaced by their position, the cache keys of its inputs in order, and
/// the content checksums of the build-context files it reads. Equal keys mean equal results, on
/// any node and in any later build. Computed by <see cref="CacheKeyCalculator"/>.
/// </summary>
public readonly record struct CacheKey(string Value)
{
    /// <summary>The first 12 hex digits, for logs.</summary>
    public string Short => Value.StartsWith("sha256:", StringComparison.Ordinal) ? Value[7..Math.Min(Value.Length, 19)] : Value;

    public override string ToString() => Value;
}
