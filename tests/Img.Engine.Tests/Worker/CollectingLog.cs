using System.Collections.Concurrent;
using Img.Engine.Solver;

namespace Img.Engine.Tests.Worker;

/// <summary>Keeps every output line of the vertices it is given to.</summary>
internal sealed class CollectingLog : IVertexLog
{
    public ConcurrentQueue<(VertexLogStream Stream, string Line)> Lines { get; } = new();

    public void WriteLine(VertexLogStream stream, string line) => Lines.Enqueue((stream, line));

    public string Text => string.Join('\n', Lines.Select(l => l.Line));
}
