using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Queries;

/// <summary>Ask the cache for a key; answered with <c>LookupVertexResult</c>.</summary>
[MessagePackObject]
public sealed record LookupVertex([property: Key(0)] CacheKey Key) : IVertexQuery;
