using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Img.Cli.Progress;

/// <summary>
/// BuildKit's terminal display: a <c>[+] Building 1.2s (3/9)</c> header and one line per vertex,
/// redrawn in place ten times a second; running vertices show their last output lines.
/// </summary>
public sealed class TtyProgressWriter : ProgressWriter, IDisposable
{
    private const int LogLinesShown = 6;
    private readonly TextWriter _output;
    private readonly int _width;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer _timer;
    private int _linesDrawn;
    private bool _completed;

    public TtyProgressWriter(TextWriter output, int width)
    {
        _output = output;
        _width = Math.Max(width, 40);
        _timer = new Timer(_ => Redraw(), null, 100, 100);
    }

    public override void Complete()
    {
        _timer.Dispose();
        Locked(() =>
        {
            _completed = true;
            Draw();
        });
    }

    public void Dispose() => _timer.Dispose();

    // The display redraws on a timer; changes only update the state.
    protected override void Show(ProgressUpdate update)
    {
    }

    private void Redraw() => Locked(() =>
    {
        if (!_completed) Draw();
    });

    private void Draw()
    {
        var sb = new StringBuilder();
        if (_linesDrawn > 0) sb.Append("\x1b[").Append(_linesDrawn).Append('A');
        var lines = new List<string>();
        var done = State.Vertices.Count(v => v.Done);
        var total = Math.Max(State.Total, State.Vertices.Count);
        var failed = State.Vertices.Any(v => v.Error is not null || v.Canceled);
        var header = $"[+] Building {Seconds(_clock.Elapsed.TotalSeconds)}s ({done}/{total})";
        if (_completed) header += failed ? " FAILED" : " FINISHED";
        lines.Add(header);
        foreach (var v in State.Vertices)
        {
            var prefix = v.Cached ? " => CACHED " : v.Error is not null ? " => ERROR " : v.Canceled ? " => CANCELED " : " => ";
            var time = v.Cached ? "0.0s" : Seconds(v.Seconds ?? v.Clock.Elapsed.TotalSeconds) + "s";
            lines.Add(Fit(prefix + v.Description, time));
            foreach (var (text, seconds) in v.Statuses)
                lines.Add(Fit(" => => " + text, Seconds(seconds) + "s"));
            if (!v.Done || v.Error is not null)
            {
                foreach (var log in v.Logs.TakeLast(LogLinesShown))
                    lines.Add(Truncate(" => => # " + LogStamp.Remove(log)));
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
