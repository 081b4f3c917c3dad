using System.Diagnostics;
using System.Globalization;
using Img.Messages.Builds.Events;

namespace Img.Cli.Progress;

/// <summary>BuildKit's <c>--progress=plain</c>: <c>#N description</c>, output lines, <c>#N DONE 0.3s</c> / <c>#N CACHED</c>.</summary>
public sealed class PlainProgressWriter(TextWriter output) : IProgressWriter
{
    private readonly ProgressState _state = new();
    private readonly object _gate = new();

    public void Write(IBuildEvent e)
    {
        lock (_gate)
        {
            var v = _state.Apply(e);
            if (v is null) return;
            switch (e)
            {
                case VertexStarted:
                    output.WriteLine($"#{v.Number} {v.Description}");
                    break;
                case VertexCached:
                    output.WriteLine($"#{v.Number} {v.Description}");
                    output.WriteLine($"#{v.Number} CACHED");
                    output.WriteLine();
                    break;
                case VertexLog l:
                    output.WriteLine($"#{v.Number} {Seconds(v.Clock.Elapsed.TotalSeconds, "0.000")} {l.Line}");
                    break;
                case VertexCompleted:
                    output.WriteLine($"#{v.Number} DONE {Seconds(v.Seconds ?? 0, "0.0")}s");
                    output.WriteLine();
                    break;
                case VertexFailed f:
                    output.WriteLine($"#{v.Number} ERROR: {f.Error}");
                    output.WriteLine();
                    break;
            }
            output.Flush();
        }
    }

    public async Task StepAsync(string description, Func<Task> run)
    {
        VertexProgress v;
        lock (_gate)
        {
            v = _state.Add(description);
            output.WriteLine($"#{v.Number} {description}");
        }
        var clock = Stopwatch.StartNew();
        await run();
        lock (_gate)
        {
            output.WriteLine($"#{v.Number} DONE {Seconds(clock.Elapsed.TotalSeconds, "0.0")}s");
            output.WriteLine();
            output.Flush();
        }
    }

    public void Complete() => output.Flush();

    private static string Seconds(double s, string format) => s.ToString(format, CultureInfo.InvariantCulture);
}
