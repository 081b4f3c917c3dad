using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Queries;

/// <summary>The cached result of a key, or null.</summary>
[MessagePackObject]
public sealed record LookupVertexResult([property: Key(0)] CacheKey Key, [property: Key(1)] CacheResult? Result) : IVertexQuery;
