namespace Img.Cli.Progress;

/// <summary>
/// BuildKit's <c>--progress=plain</c>. Each vertex prints as a block headed <c>#N name</c>:
/// output lines (<c>#N 0.054 text</c>), status lines (<c>#N transferring context: 2B done</c>),
/// <c>#N running on NODE</c> when a cluster node runs it, and last <c>#N DONE 0.3s</c>, <c>#N CACHED</c>, <c>#N ERROR: ...</c> or <c>#N CANCELED</c>.
/// Blocks are separated by an empty line; when another vertex speaks while one is still
/// running, the running one is left with <c>#N ...</c> and its header repeats when it speaks again.
/// </summary>
public sealed class PlainProgressWriter(TextWriter output) : ProgressWriter
{
    private VertexProgress? _current;
    private bool _printedAny;

    public override void Complete() => Locked(output.Flush);

    protected override void Show(ProgressUpdate update)
    {
        var v = update.Vertex;
        Focus(v);
        switch (update.Kind)
        {
            case ProgressUpdateKind.Started when update.Text.Length > 0:
                output.WriteLine($"#{v.Number} running on {update.Text}");
                break;
            case ProgressUpdateKind.Log or ProgressUpdateKind.Status:
                output.WriteLine($"#{v.Number} {update.Text}");
                break;
            case ProgressUpdateKind.Cached:
                output.WriteLine($"#{v.Number} CACHED");
                _current = null;
                break;
            case ProgressUpdateKind.Done:
                output.WriteLine($"#{v.Number} DONE {update.Text}");
                _current = null;
                break;
            case ProgressUpdateKind.Failed:
                output.WriteLine($"#{v.Number} ERROR: {update.Text}");
                _current = null;
                break;
            case ProgressUpdateKind.Canceled:
                output.WriteLine($"#{v.Number} CANCELED");
                _current = null;
                break;
        }
        output.Flush();
    }

    /// <summary>Makes <paramref name="v"/> the vertex being printed, with a header if it was not.</summary>
    private void Focus(VertexProgress v)
    {
        if (ReferenceEquals(_current, v))
            return;
        if (_current is { Done: false } interrupted)
            output.WriteLine($"#{interrupted.Number} ...");
        if (_printedAny)
            output.WriteLine();
        _printedAny = true;
        output.WriteLine($"#{v.Number} {v.Description}");
        _current = v;
    }
}
