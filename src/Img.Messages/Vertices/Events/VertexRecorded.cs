using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Vertices.Events;

/// <summary>Persisted by the vertex entity when a result is stored under its key; replayed on recovery.</summary>
[MessagePackObject]
public sealed record VertexRecorded([property: Key(0)] CacheKey Key, [property: Key(1)] CacheResult Result) : IVertexEvent;
