using System.Diagnostics;
using Img.Cli.Progress;
using Img.Engine.Graph;
using Img.Messages.Builds.Events;

namespace Img.Cli.Commands.Build;

/// <summary>
/// The last output lines of each vertex, stamped as the plain progress shows them, for the
/// failure report (BuildKit keeps the last ten).
/// </summary>
public sealed class VertexLogTail
{
    private const int Kept = 10;
    private readonly Dictionary<OpDigest, (Stopwatch Clock, Queue<string> Lines)> _vertices = new();
    private readonly object _gate = new();

    public void Observe(IBuildEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case VertexStarted s:
                    Entry(s.Vertex).Clock.Restart();
                    break;
                case VertexLog l:
                    var (clock, lines) = Entry(l.Vertex);
                    lines.Enqueue(LogStamp.Apply(clock.Elapsed.TotalSeconds, l.Line));
                    if (lines.Count > Kept) lines.Dequeue();
                    break;
            }
        }
    }

    public IReadOnlyList<string> Lines(OpDigest vertex)
    {
        lock (_gate)
            return _vertices.TryGetValue(vertex, out var v) ? v.Lines.ToList() : [];
    }

    private (Stopwatch Clock, Queue<string> Lines) Entry(OpDigest vertex)
    {
        if (!_vertices.TryGetValue(vertex, out var v))
            _vertices[vertex] = v = (new Stopwatch(), new Queue<string>());
        return v;
    }
}
