using Img.Engine.Graph;
using Img.Messages.Builds.Events;

namespace Img.Cli.Progress;

/// <summary>
/// Numbers vertices in the order they first appear (BuildKit's <c>#N</c>) and folds events into
/// per-vertex state; shared by the plain and the terminal display.
/// </summary>
public sealed class ProgressState
{
    private readonly Dictionary<OpDigest, VertexProgress> _byDigest = new();
    private readonly List<VertexProgress> _ordered = new();

    public IReadOnlyList<VertexProgress> Vertices => _ordered;
    public int Total { get; set; }

    public VertexProgress Add(string description)
    {
        var v = new VertexProgress(_ordered.Count + 1, description);
        _ordered.Add(v);
        return v;
    }

    public VertexProgress? Apply(IBuildEvent e)
    {
        switch (e)
        {
            case BuildStarted s:
                Total = s.VertexCount;
                return null;
            case VertexStarted s:
            {
                var v = Get(s.Vertex, s.Description);
                v.Clock.Start();
                return v;
            }
            case VertexCached c:
            {
                var v = Get(c.Vertex, c.Description);
                v.Cached = true;
                v.Done = true;
                return v;
            }
            case VertexCompleted c:
            {
                var v = Get(c.Vertex, c.Description);
                v.Clock.Stop();
                v.Done = true;
                v.Seconds = c.DurationMs / 1000.0;
                return v;
            }
            case VertexFailed f:
            {
                var v = Get(f.Vertex, f.Description);
                v.Clock.Stop();
                v.Done = true;
                v.Error = f.Error;
                v.Seconds = f.DurationMs / 1000.0;
                return v;
            }
            case VertexLog l:
            {
                var v = Get(l.Vertex, "");
                v.Logs.Add(l.Line);
                return v;
            }
            default:
                return null;
        }
    }

    private VertexProgress Get(OpDigest digest, string description)
    {
        if (!_byDigest.TryGetValue(digest, out var v))
            _byDigest[digest] = v = Add(description);
        return v;
    }
}
