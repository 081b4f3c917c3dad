using System.Diagnostics;
using Img.Cli.Progress;
using Img.Engine.Graph;
using Img.Messages.Builds;
using Img.Messages.Builds.Events;

namespace Img.Cli.Commands.Build;

/// <summary>
/// Hands a build's events to the display the way BuildKit presents those vertices:
/// <list type="bullet">
/// <item>the build context is a step that transfers files, never CACHED
/// (<c>transferring context: 2.34kB done</c>);</item>
/// <item>a base image says what it resolved (<c>resolve docker.io/library/busybox:latest@sha256:... done</c>);</item>
/// <item>the export vertex is the exporter, never CACHED: it stays open after the solve for
/// <see cref="BuildOutputs"/> to add <c>writing image</c> and <c>naming to</c>, and ends with
/// <see cref="ExportStep"/>.</item>
/// </list>
/// </summary>
internal sealed class BuildEventRelay(IProgressWriter display, BuildGraph graph, string contextName, Func<long> contextSize)
{
    private readonly Stopwatch _exportClock = new();
    private BuildId _buildId;
    private string _contextNode = "";

    /// <summary>The exporter, still open once the build has completed.</summary>
    public IProgressStep ExportStep => new Exporter(this);

    public void Relay(IBuildEvent e)
    {
        _buildId = e.BuildId;
        var vertex = e switch
        {
            VertexStarted s => s.Vertex,
            VertexCached c => c.Vertex,
            VertexCompleted c => c.Vertex,
            _ => (OpDigest?)null,
        };
        if (vertex is not { } digest || !graph.TryGet(digest, out var v))
        {
            display.Write(e);
            return;
        }
        switch (v.Op)
        {
            case ImageConfigOp when graph.Target.Op is ImageIndexOp:
                RelayPlatformExport(e);
                break;
            case ImageConfigOp or ImageIndexOp:
                RelayExport(e, v);
                break;
            case SourceOp { SourceKind: SourceKind.Local } source when source.Identifier == contextName:
                RelayContext(e, v);
                break;
            case SourceOp { SourceKind: SourceKind.Image } image when e is VertexCached or VertexCompleted:
                if (e is VertexCached)
                    display.Write(new VertexStarted(_buildId, v.Digest, v.Metadata.Description));
                display.Status(v.Digest, "resolve " + image.Identifier, TimeSpan.Zero);
                display.Write(e);
                break;
            default:
                display.Write(e);
                break;
        }
    }

    private void RelayContext(IBuildEvent e, BuildVertex v)
    {
        if (e is VertexStarted started)
        {
            _contextNode = started.Node;
            return; // shown once the size is known
        }
        var clock = Stopwatch.StartNew();
        display.Write(new VertexStarted(_buildId, v.Digest, v.Metadata.Description, _contextNode));
        display.Status(v.Digest, "transferring context: " + DecimalBytes.Format(contextSize()), clock.Elapsed);
        var ms = e is VertexCompleted c ? c.DurationMs : (long)clock.Elapsed.TotalMilliseconds;
        display.Write(new VertexCompleted(_buildId, v.Digest, v.Metadata.Description, ms));
    }

    /// <summary>
    /// A multi-platform build has one export vertex per platform under the index: BuildKit shows
    /// one exporter, so the first of them to start opens the target's step and the others stay silent.
    /// </summary>
    private void RelayPlatformExport(IBuildEvent e)
    {
        if (e is VertexStarted or VertexCached && !_exportClock.IsRunning)
        {
            _exportClock.Start();
            var target = graph.Target;
            display.Write(new VertexStarted(_buildId, target.Digest, target.Metadata.Description));
        }
    }

    private void RelayExport(IBuildEvent e, BuildVertex v)
    {
        switch (e)
        {
            case VertexStarted when _exportClock.IsRunning:
                break;
            case VertexStarted:
                _exportClock.Start();
                display.Write(e);
                break;
            case VertexCached:
                // Exporting is never cached: the exporter runs on every build.
                if (!_exportClock.IsRunning)
                {
                    _exportClock.Start();
                    display.Write(new VertexStarted(_buildId, v.Digest, v.Metadata.Description));
                }
                display.Status(v.Digest, "exporting layers", TimeSpan.Zero);
                break;
            case VertexCompleted c:
                display.Status(v.Digest, "exporting layers", TimeSpan.FromMilliseconds(c.DurationMs));
                break;
        }
    }

    private void ExportStatus(string text, TimeSpan duration) => display.Status(graph.Target.Digest, text, duration);

    private void ExportEnded(string? error)
    {
        var target = graph.Target;
        display.Write(error is null
            ? new VertexCompleted(_buildId, target.Digest, target.Metadata.Description, _exportClock.ElapsedMilliseconds)
            : new VertexFailed(_buildId, target.Digest, target.Metadata.Description, error, _exportClock.ElapsedMilliseconds));
    }

    /// <summary>The export vertex as a step: its status lines, then its end.</summary>
    private sealed class Exporter(BuildEventRelay relay) : IProgressStep
    {
        public void Status(string text, TimeSpan duration = default) => relay.ExportStatus(text, duration);

        public void Done() => relay.ExportEnded(null);

        public void Fail(string error) => relay.ExportEnded(error);
    }
}
