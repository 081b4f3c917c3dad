using Img.Engine.Solver;
using Img.Messages.Vertices;
using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>
/// A node is still running the key's vertex: sent through the vertex region every few seconds, so
/// the entity (and the builds waiting on it) can tell a long step from a lost one.
/// </summary>
[MessagePackObject]
public sealed record VertexRunning([property: Key(0)] CacheKey Key, [property: Key(1)] string Node) : INodeEvent, IWithCacheKey;
