using Img.Engine.Solver;
using MessagePack;

namespace Img.Messages.Nodes.Commands;

/// <summary>Run a vertex on a node worker; answered with <c>VertexRunCompleted</c> or <c>VertexRunFailed</c>, <c>VertexExecutionStarted</c> when a slot takes it and <c>VertexOutput</c> lines meanwhile.</summary>
[MessagePackObject]
public sealed record RunVertex([property: Key(0)] CacheKey Key, [property: Key(1)] byte[] Vertex, [property: Key(2)] IReadOnlyList<CacheResult> Inputs) : INodeCommand;
