using MessagePack;

namespace Img.Messages.Nodes.Queries;

/// <summary>A node's slots, how many are busy and how many jobs wait.</summary>
[MessagePackObject]
public sealed record NodeStatusResult([property: Key(0)] string Node, [property: Key(1)] int Slots, [property: Key(2)] int Busy, [property: Key(3)] int Queued) : INodeQuery;
