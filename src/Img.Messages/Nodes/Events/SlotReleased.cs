using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>A node finished (either way) a vertex a scheduler sent it: the slot is free again.</summary>
[MessagePackObject]
public sealed record SlotReleased([property: Key(0)] string Node, [property: Key(1)] CacheKey Key) : INodeEvent;
