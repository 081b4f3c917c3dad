using System.Globalization;
using Img.Messages.Builds.Events;

namespace Img.Cli.Progress;

/// <summary>
/// Numbers vertices in the order they first appear (BuildKit's <c>#N</c>) and folds events into
/// per-vertex state; shared by the plain and the terminal display. Vertices are keyed by their
/// op digest, the CLI's own steps by a key of their own.
/// </summary>
public sealed class ProgressState
{
    private readonly Dictionary<object, VertexProgress> _byKey = new();
    private readonly List<VertexProgress> _ordered = new();

    public IReadOnlyList<VertexProgress> Vertices => _ordered;
    public int Total { get; set; }

    public ProgressUpdate? Apply(IBuildEvent e) => e switch
    {
        BuildStarted s => SetTotal(s.VertexCount),
        VertexStarted s => Start(s.Vertex, s.Description, s.Node),
        VertexCached c => Cache(c.Vertex, c.Description),
        VertexLog l => Log(l.Vertex, l.Line),
        VertexCompleted c => Finish(c.Vertex, c.Description, c.DurationMs / 1000.0),
        VertexFailed f => Fail(f.Vertex, f.Description, f.Error, f.DurationMs / 1000.0),
        _ => null,
    };

    /// <param name="node">The cluster node it runs on ("" in one process): plain progress names it.</param>
    public ProgressUpdate Start(object key, string description, string node = "")
    {
        var v = Get(key, description);
        v.Clock.Start();
        return new ProgressUpdate(v, ProgressUpdateKind.Started, node);
    }

    public ProgressUpdate Status(object key, string text, TimeSpan duration)
    {
        var v = Get(key, "");
        v.Statuses.Add((text, duration.TotalSeconds));
        // BuildKit shows a status's time only when it is noticeable.
        var time = duration.TotalSeconds > 0.01 ? " " + duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "";
        return new ProgressUpdate(v, ProgressUpdateKind.Status, text + time + " done");
    }

    public ProgressUpdate Finish(object key, string description, double? seconds = null)
    {
        var v = Get(key, description);
        v.Clock.Stop();
        v.Done = true;
        v.Seconds = seconds ?? v.Clock.Elapsed.TotalSeconds;
        return new ProgressUpdate(v, ProgressUpdateKind.Done, Seconds(v.Seconds.Value, "0.0") + "s");
    }

    public ProgressUpdate Fail(object key, string description, string error, double? seconds = null)
    {
        var v = Get(key, description);
        v.Clock.Stop();
        v.Done = true;
        v.Error = error;
        v.Seconds = seconds ?? v.Clock.Elapsed.TotalSeconds;
        return new ProgressUpdate(v, ProgressUpdateKind.Failed, error);
    }

    /// <summary>Ends every vertex still running as cancelled.</summary>
    public IReadOnlyList<ProgressUpdate> CancelRunning()
    {
        var updates = new List<ProgressUpdate>();
        foreach (var v in _ordered.Where(v => !v.Done))
        {
            v.Clock.Stop();
            v.Done = true;
            v.Canceled = true;
            v.Seconds = v.Clock.Elapsed.TotalSeconds;
            updates.Add(new ProgressUpdate(v, ProgressUpdateKind.Canceled));
        }
        return updates;
    }

    private ProgressUpdate? SetTotal(int total)
    {
        Total = total;
        return null;
    }

    private ProgressUpdate Cache(object key, string description)
    {
        var v = Get(key, description);
        v.Cached = true;
        v.Done = true;
        return new ProgressUpdate(v, ProgressUpdateKind.Cached);
    }

    private ProgressUpdate Log(object key, string line)
    {
        var v = Get(key, "");
        var stamped = LogStamp.Apply(v.Clock.Elapsed.TotalSeconds, line);
        v.Logs.Add(stamped);
        return new ProgressUpdate(v, ProgressUpdateKind.Log, stamped);
    }

    private VertexProgress Get(object key, string description)
    {
        if (!_byKey.TryGetValue(key, out var v))
        {
            v = new VertexProgress(_ordered.Count + 1, description);
            _ordered.Add(v);
            _byKey[key] = v;
        }
        return v;
    }

    private static string Seconds(double s, string format) => s.ToString(format, CultureInfo.InvariantCulture);
}
