using Img.Engine.Oci;
using MessagePack;

namespace Img.Messages.Nodes.Events;

/// <summary>The answer to <c>PublishResult</c>: the result manifest's descriptor, or why there is none.</summary>
[MessagePackObject]
public sealed record ResultPublished([property: Key(0)] string SnapshotId, [property: Key(1)] Descriptor? Manifest, [property: Key(2)] string Error) : INodeEvent;
