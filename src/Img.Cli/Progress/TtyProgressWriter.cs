using System.Diagnostics;
using System.Globalization;
using System.Text;
using Img.Messages.Builds.Events;

namespace Img.Cli.Progress;

/// <summary>
/// BuildKit's terminal display: a <c>[+] Building 1.2s (3/9)</c> header and one line per vertex,
/// redrawn in place ten times a second; running vertices show their last output lines.
/// </summary>
public sealed class TtyProgressWriter : IProgressWriter, IDisposable
{
    private const int LogLinesShown = 6;
    private readonly TextWriter _output;
    private readonly int _width;
    private readonly ProgressState _state = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly Timer _timer;
    private int _linesDrawn;
    private bool _completed;

    public TtyProgressWriter(TextWriter output, int width)
    {
        _output = output;
        _width = Math.Max(width, 40);
        _timer = new Timer(_ => Redraw(), null, 100, 100);
    }

    public void Write(IBuildEvent e)
    {
        lock (_gate) _state.Apply(e);
    }

    public async Task StepAsync(string description, Func<Task> run)
    {
        VertexProgress v;
        lock (_gate)
        {
            v = _state.Add(description);
            v.Clock.Start();
        }
        await run();
        lock (_gate)
        {
            v.Clock.Stop();
            v.Seconds = v.Clock.Elapsed.TotalSeconds;
            v.Done = true;
        }
    }

    public void Complete()
    {
        _timer.Dispose();
        lock (_gate)
        {
            _completed = true;
            Draw();
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Redraw()
    {
        lock (_gate)
        {
            if (!_completed) Draw();
        }
    }

    private void Draw()
    {
        var sb = new StringBuilder();
        if (_linesDrawn > 0) sb.Append("\x1b[").Append(_linesDrawn).Append('A');
        var lines = new List<string>();
        var done = _state.Vertices.Count(v => v.Done);
        var total = Math.Max(_state.Total, _state.Vertices.Count);
        var failed = _state.Vertices.Any(v => v.Error is not null);
        var header = $"[+] Building {Seconds(_clock.Elapsed.TotalSeconds)}s ({done}/{total})";
        if (_completed) header += failed ? " FAILED" : " FINISHED";
        lines.Add(header);
        foreach (var v in _state.Vertices)
        {
            var prefix = v.Cached ? " => CACHED " : v.Error is not null ? " => ERROR " : " => ";
            var time = v.Cached ? "0.0s" : Seconds(v.Seconds ?? v.Clock.Elapsed.TotalSeconds) + "s";
            lines.Add(Fit(prefix + v.Description, time));
            if (!v.Done || v.Error is not null)
            {
                foreach (var log in v.Logs.TakeLast(LogLinesShown))
                    lines.Add(Truncate(" => => # " + log));
            }
        }
        foreach (var line in lines)
            sb.Append("\x1b[2K").Append(line).Append('\n');
        // Shrinking output leaves stale lines below: clear them.
        for (var i = lines.Count; i < _linesDrawn; i++)
            sb.Append("\x1b[2K\n");
        var extra = Math.Max(0, _linesDrawn - lines.Count);
        if (extra > 0) sb.Append("\x1b[").Append(extra).Append('A');
        _linesDrawn = lines.Count;
        _output.Write(sb.ToString());
        _output.Flush();
    }

    private string Fit(string text, string right)
    {
        var room = _width - right.Length - 1;
        if (text.Length > room) text = text[..Math.Max(0, room - 1)] + "…";
        return text.PadRight(room) + " " + right;
    }

    private string Truncate(string text) => text.Length <= _width ? text : text[..(_width - 1)] + "…";

    private static string Seconds(double s) => s.ToString("0.0", CultureInfo.InvariantCulture);
}
