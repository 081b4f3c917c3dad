namespace Img.Cli.Progress;

/// <summary>One change to a vertex's progress: the vertex, what happened, and the line that tells it (a log line, a status, an error).</summary>
public sealed record ProgressUpdate(VertexProgress Vertex, ProgressUpdateKind Kind, string Text = "");
