namespace Img.Engine.Solver;

/// <summary>The outcome of <see cref="IVertexExecutor.ExecuteAsync"/>: the result to cache.</summary>
public sealed record VertexResult(CacheResult Output);
